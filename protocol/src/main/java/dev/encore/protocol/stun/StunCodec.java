package dev.encore.protocol.stun;

import static java.util.Objects.requireNonNull;

import dev.encore.protocol.Ice4jSettings;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.zip.CRC32;

import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.MessageIntegrityAttribute;
import org.ice4j.attribute.PriorityAttribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.message.Response;
import org.ice4j.security.CredentialsAuthority;
import org.ice4j.stack.RawMessage;
import org.ice4j.stack.StunStack;
import org.slf4j.LoggerFactory;

/**
 * STUN (RFC 8489) for ICE connectivity checks (RFC 8445 §7), built on ice4j's message codec. Does no I/O.
 *
 * <p>The server side answers checks as an ICE-lite agent; the client side is what the Java WebRTC client sends.
 *
 * <p>ice4j decodes and encodes the messages and computes MESSAGE-INTEGRITY. Before ice4j sees a message, a small hand-written
 * pass checks its framing (header, attribute bounds, what may follow MESSAGE-INTEGRITY) and FINGERPRINT, so hostile input
 * fails with a {@link StunException} that says what was wrong; ice4j itself is not hardened against garbage.
 *
 * <p>Stateless and thread-safe: the HMAC key for one call travels to ice4j's credentials lookup in a thread-local.
 */
public final class StunCodec {

    /** STUN header length (RFC 8489 §5). */
    static final int HEADER_LENGTH = 20;
    /** RFC 8489 §5. */
    static final int MAGIC_COOKIE = 0x2112A442;
    /** RFC 8489 §14.7: FINGERPRINT is the CRC-32 of the message xor'ed with this. */
    static final long FINGERPRINT_XOR = 0x5354554EL;

    static final int BINDING_REQUEST = 0x0001;
    static final int BINDING_SUCCESS = 0x0101;
    static final int BINDING_ERROR = 0x0111;

    // Attribute types: RFC 8489 §18.3, RFC 8445 §16.1.
    static final int ATTR_USERNAME = 0x0006;
    static final int ATTR_MESSAGE_INTEGRITY = 0x0008;
    static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
    static final int ATTR_PRIORITY = 0x0024;
    static final int ATTR_USE_CANDIDATE = 0x0025;
    static final int ATTR_FINGERPRINT = 0x8028;
    static final int ATTR_ICE_CONTROLLED = 0x8029;
    static final int ATTR_ICE_CONTROLLING = 0x802A;

    private static final int MESSAGE_INTEGRITY_LENGTH = 20;
    private static final int FINGERPRINT_LENGTH = 4;
    private static final int TRANSACTION_ID_LENGTH = 12;
    /** Username handle for checking a response's MESSAGE-INTEGRITY: responses carry no USERNAME, the key is in {@link #KEY}. */
    private static final String RESPONSE_KEY_HANDLE = "binding-response";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The HMAC key of the call in progress on this thread; ice4j asks its credentials authority for it. */
    private static final ThreadLocal<byte[]> KEY = new ThreadLocal<>();

    /** Used only for its credentials lookup (encode and integrity checks); a StunStack opens no socket until asked to. */
    private static final StunStack STACK;

    static {
        try {
            Ice4jSettings.apply();
        } catch (IllegalStateException e) {
            // Too late to keep an Agent off the network, which is not this class's business: STUN still works.
            LoggerFactory.getLogger(StunCodec.class).warn("{}", e.getMessage());
        }
        STACK = new StunStack();
        STACK.getCredentialsManager().registerAuthority(new ThreadKeyAuthority());
    }

    private StunCodec() {
    }

    /** True if the bytes look like a STUN message (first two bits zero, magic cookie present, length consistent). */
    public static boolean isStun(byte[] data, int offset, int length) {
        if (data == null || offset < 0 || length < HEADER_LENGTH || offset > data.length - length) {
            return false;
        }
        int bodyLength = u16(data, offset + 2);
        return (data[offset] & 0xC0) == 0
                && u32(data, offset + 4) == MAGIC_COOKIE
                && (bodyLength & 3) == 0
                && HEADER_LENGTH + bodyLength == length;
    }

    /**
     * The USERNAME attribute of a Binding request, not yet authenticated: used only to find whose password to check with.
     * Returns null when the message is not a Binding request or has no USERNAME.
     */
    public static String peekUsername(byte[] data, int offset, int length) {
        if (!isStun(data, offset, length) || u16(data, offset) != BINDING_REQUEST) {
            return null;
        }
        int end = offset + length;
        int pos = offset + HEADER_LENGTH;
        while (end - pos >= 4) {
            int type = u16(data, pos);
            int valueLength = u16(data, pos + 2);
            if (valueLength > end - pos - 4) {
                return null;
            }
            if (type == ATTR_USERNAME) {
                return new String(data, pos + 4, valueLength, StandardCharsets.UTF_8);
            }
            if (type == ATTR_MESSAGE_INTEGRITY) {
                return null; // RFC 8489 §14.5: what follows MESSAGE-INTEGRITY (except FINGERPRINT) is ignored
            }
            pos += 4 + padded(valueLength);
        }
        return null;
    }

    /**
     * Decodes and authenticates a Binding request addressed to us: USERNAME must start with {@code local.ufrag() + ":"},
     * MESSAGE-INTEGRITY must verify with {@code local.pwd()}, FINGERPRINT (if present) must match. PRIORITY and exactly one of
     * ICE-CONTROLLING / ICE-CONTROLLED are required (RFC 8445 §7.1.1, §7.1.3).
     *
     * @throws StunException naming what was wrong
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not lie inside {@code data}
     */
    public static BindingRequest decodeRequest(byte[] data, int offset, int length, IceCredentials local) throws StunException {
        requireNonNull(data, "data");
        requireNonNull(local, "local");
        Objects.checkFromIndexSize(offset, length, data.length);
        checkHeader(data, offset, length, BINDING_REQUEST, "Binding request");
        Layout layout = Layout.scan(data, offset, length);
        if (layout.username < 0) {
            throw new StunException("Binding request has no USERNAME (expected: \"<local ufrag>:<remote ufrag>\")");
        }
        if (layout.messageIntegrity < 0) {
            throw new StunException("Binding request has no MESSAGE-INTEGRITY (expected: HMAC-SHA1 keyed by the ICE password)");
        }
        int usernameLength = u16(data, layout.username + 2);
        byte[] prefix = (local.ufrag() + ":").getBytes(StandardCharsets.UTF_8);
        if (usernameLength < prefix.length + 1
                || !Arrays.equals(data, layout.username + 4, layout.username + 4 + prefix.length, prefix, 0, prefix.length)) {
            throw new StunException("USERNAME is not for this session (expected: \"" + local.ufrag() + ":<remote ufrag>\")");
        }
        checkFingerprint(data, offset, layout);

        byte[] bytes = atZero(data, offset, length);
        Message message = ice4jDecode(bytes, length);
        String username = new String(data, layout.username + 4, usernameLength, StandardCharsets.UTF_8);
        MessageIntegrityAttribute mi = (MessageIntegrityAttribute) message.getAttribute(Attribute.MESSAGE_INTEGRITY);
        if (mi == null || !verifyIntegrity(mi, username, true, bytes, length, local.pwd())) {
            throw new StunException("MESSAGE-INTEGRITY does not verify (expected: HMAC-SHA1 keyed by our ICE password)");
        }

        PriorityAttribute priority = (PriorityAttribute) message.getAttribute(Attribute.PRIORITY);
        if (priority == null) {
            throw new StunException("Binding request has no PRIORITY (expected: one, RFC 8445 §7.1.1)");
        }
        boolean controlling = message.containsAttribute(Attribute.ICE_CONTROLLING);
        boolean controlled = message.containsAttribute(Attribute.ICE_CONTROLLED);
        if (controlling == controlled) {
            throw new StunException("Binding request has " + (controlling ? "both" : "neither") + " ICE-CONTROLLING and ICE-CONTROLLED "
                    + "(expected: exactly one, RFC 8445 §7.1.3)");
        }
        return new BindingRequest(message.getTransactionID(), username, message.containsAttribute(Attribute.USE_CANDIDATE),
                priority.getPriority(), controlling);
    }

    /** A Binding success response with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY (keyed by {@code local.pwd()}) and FINGERPRINT. */
    public static byte[] encodeSuccess(BindingRequest request, InetSocketAddress mapped, IceCredentials local) {
        requireNonNull(request, "request");
        requireNonNull(mapped, "mapped");
        requireNonNull(local, "local");
        byte[] transactionId = checkTransactionId(request.transactionId());
        if (mapped.getAddress() == null) {
            throw new IllegalArgumentException("mapped: " + mapped + " (expected: a resolved address)");
        }
        TransportAddress address = new TransportAddress(mapped.getAddress(), mapped.getPort(), Transport.UDP);
        Response response;
        try {
            Request echo = MessageFactory.createBindingRequest();
            echo.setTransactionID(transactionId);
            response = MessageFactory.createBindingResponse(echo, address); // adds XOR-MAPPED-ADDRESS
            response.setTransactionID(transactionId);
        } catch (org.ice4j.StunException e) {
            throw new IllegalArgumentException("cannot build Binding response: " + e.getMessage(), e);
        }
        // RFC 8489 §14.5: a response's MESSAGE-INTEGRITY uses the same key as the request's, i.e. our password.
        response.putAttribute(AttributeFactory.createMessageIntegrityAttribute(request.username()));
        response.putAttribute(AttributeFactory.createFingerprintAttribute());
        return encode(response, local.pwd());
    }

    /**
     * A Binding request from a controlling agent: USERNAME {@code remote.ufrag():local.ufrag()}, PRIORITY, ICE-CONTROLLING
     * with {@code tieBreaker}, USE-CANDIDATE when {@code nominate}, MESSAGE-INTEGRITY keyed by {@code remote.pwd()},
     * FINGERPRINT.
     */
    public static byte[] encodeRequest(byte[] transactionId, IceCredentials local, IceCredentials remote, long priority,
            long tieBreaker, boolean nominate) {
        return encodeRequest(transactionId, local, remote, priority, tieBreaker, true, nominate);
    }

    /**
     * A Binding request as {@link #encodeRequest(byte[], IceCredentials, IceCredentials, long, long, boolean)} writes it, but
     * from an agent in either role (RFC 8445 §7.1.3): ICE-CONTROLLING when {@code controlling}, else ICE-CONTROLLED (both
     * carry {@code tieBreaker}). A controlled agent never nominates (RFC 8445 §8.1.1), so {@code nominate} needs
     * {@code controlling}.
     */
    public static byte[] encodeRequest(byte[] transactionId, IceCredentials local, IceCredentials remote, long priority,
            long tieBreaker, boolean controlling, boolean nominate) {
        if (nominate && !controlling) {
            throw new IllegalArgumentException("nominate: true while controlled (expected: only the controlling agent nominates)");
        }
        requireNonNull(local, "local");
        requireNonNull(remote, "remote");
        byte[] tid = checkTransactionId(transactionId);
        if (priority < 1 || priority > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("priority: " + priority + " (expected: 1..2^32-1)");
        }
        Request request;
        try {
            request = MessageFactory.createBindingRequest(priority, controlling, tieBreaker);
            request.setTransactionID(tid);
        } catch (org.ice4j.StunException e) {
            throw new IllegalArgumentException("cannot build Binding request: " + e.getMessage(), e);
        }
        String username = remote.ufrag() + ":" + local.ufrag();
        request.putAttribute(AttributeFactory.createUsernameAttribute(username));
        if (nominate) {
            request.putAttribute(AttributeFactory.createUseCandidateAttribute());
        }
        request.putAttribute(AttributeFactory.createMessageIntegrityAttribute(username));
        request.putAttribute(AttributeFactory.createFingerprintAttribute());
        return encode(request, remote.pwd());
    }

    /**
     * Decodes a Binding success response and checks its MESSAGE-INTEGRITY with {@code remotePwd}.
     *
     * @return the XOR-MAPPED-ADDRESS
     * @throws StunException naming what was wrong
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not lie inside {@code data}
     */
    public static InetSocketAddress decodeSuccess(byte[] data, int offset, int length, byte[] expectedTransactionId,
            String remotePwd) throws StunException {
        requireNonNull(data, "data");
        requireNonNull(expectedTransactionId, "expectedTransactionId");
        requireNonNull(remotePwd, "remotePwd");
        Objects.checkFromIndexSize(offset, length, data.length);
        checkHeader(data, offset, length, BINDING_SUCCESS, "Binding success response");
        if (!Arrays.equals(data, offset + 8, offset + HEADER_LENGTH, expectedTransactionId, 0, expectedTransactionId.length)) {
            throw new StunException("transaction id " + HexFormat.of().formatHex(data, offset + 8, offset + HEADER_LENGTH)
                    + " is not the one we sent (expected: " + HexFormat.of().formatHex(expectedTransactionId) + ")");
        }
        Layout layout = Layout.scan(data, offset, length);
        if (layout.messageIntegrity < 0) {
            throw new StunException("Binding success response has no MESSAGE-INTEGRITY (expected: HMAC-SHA1 keyed by the "
                    + "remote ICE password)");
        }
        checkFingerprint(data, offset, layout);

        byte[] bytes = atZero(data, offset, length);
        Message message = ice4jDecode(bytes, length);
        MessageIntegrityAttribute mi = (MessageIntegrityAttribute) message.getAttribute(Attribute.MESSAGE_INTEGRITY);
        if (mi == null || !verifyIntegrity(mi, RESPONSE_KEY_HANDLE, false, bytes, length, remotePwd)) {
            throw new StunException("MESSAGE-INTEGRITY does not verify (expected: HMAC-SHA1 keyed by the remote ICE password)");
        }
        XorMappedAddressAttribute xor = (XorMappedAddressAttribute) message.getAttribute(Attribute.XOR_MAPPED_ADDRESS);
        if (xor == null) {
            throw new StunException("Binding success response has no XOR-MAPPED-ADDRESS (expected: one, RFC 8489 §14.2)");
        }
        TransportAddress address;
        try {
            address = xor.getAddress(message.getTransactionID());
        } catch (RuntimeException e) {
            throw new StunException("XOR-MAPPED-ADDRESS is malformed (expected: IPv4 or IPv6 address): " + e);
        }
        if (address == null || address.getAddress() == null) {
            throw new StunException("XOR-MAPPED-ADDRESS is malformed (expected: IPv4 or IPv6 address)");
        }
        return new InetSocketAddress(address.getAddress(), address.getPort());
    }

    /** A fresh random 12-byte transaction id. */
    public static byte[] newTransactionId() {
        byte[] id = new byte[TRANSACTION_ID_LENGTH];
        RANDOM.nextBytes(id);
        return id;
    }

    // ---------------------------------------------------------------------------------------------------------------------

    private static void checkHeader(byte[] data, int offset, int length, int expectedType, String what) throws StunException {
        if (length < HEADER_LENGTH) {
            throw new StunException("STUN message truncated: " + length + " bytes (expected: at least " + HEADER_LENGTH + ")");
        }
        if ((data[offset] & 0xC0) != 0) {
            throw new StunException(String.format("not a STUN message: first byte 0x%02x (expected: top two bits zero)",
                    data[offset] & 0xFF));
        }
        if (u32(data, offset + 4) != MAGIC_COOKIE) {
            throw new StunException(String.format("not a STUN message: magic cookie 0x%08x (expected: 0x%08x)",
                    u32(data, offset + 4), MAGIC_COOKIE));
        }
        int bodyLength = u16(data, offset + 2);
        if ((bodyLength & 3) != 0 || HEADER_LENGTH + bodyLength != length) {
            throw new StunException("STUN length field " + bodyLength + " does not fit a " + length
                    + "-byte datagram (expected: " + (length - HEADER_LENGTH) + ", a multiple of 4)");
        }
        int type = u16(data, offset);
        if (type != expectedType) {
            String got = type == BINDING_ERROR ? "a Binding error response" : String.format("message type 0x%04x", type);
            throw new StunException(String.format("not a %s: %s (expected: 0x%04x)", what, got, expectedType));
        }
    }

    /**
     * Where the attributes that matter sit, after checking the framing: every attribute inside the message, nothing but
     * FINGERPRINT after MESSAGE-INTEGRITY, FINGERPRINT last (RFC 8489 §14.5, §14.7). Positions are absolute, -1 when absent.
     */
    private static final class Layout {
        int username = -1;
        int messageIntegrity = -1;
        int fingerprint = -1;

        static Layout scan(byte[] data, int offset, int length) throws StunException {
            Layout layout = new Layout();
            int end = offset + length;
            int pos = offset + HEADER_LENGTH;
            while (pos < end) {
                if (end - pos < 4) {
                    throw new StunException("attribute header truncated at byte " + (pos - offset) + " (expected: 4 bytes)");
                }
                int type = u16(data, pos);
                int valueLength = u16(data, pos + 2);
                if (padded(valueLength) > end - pos - 4) {
                    throw new StunException(String.format("attribute 0x%04x at byte %d claims %d bytes, only %d left "
                            + "(expected: attribute inside the message)", type, pos - offset, valueLength, end - pos - 4));
                }
                if (layout.fingerprint >= 0) {
                    throw new StunException(String.format("attribute 0x%04x after FINGERPRINT (expected: FINGERPRINT last)", type));
                }
                if (layout.messageIntegrity >= 0 && type != ATTR_FINGERPRINT) {
                    throw new StunException(String.format("attribute 0x%04x after MESSAGE-INTEGRITY (expected: only FINGERPRINT)",
                            type));
                }
                switch (type) {
                    case ATTR_USERNAME -> {
                        if (layout.username >= 0) {
                            throw new StunException("two USERNAME attributes (expected: one)");
                        }
                        layout.username = pos;
                    }
                    case ATTR_MESSAGE_INTEGRITY -> {
                        if (valueLength != MESSAGE_INTEGRITY_LENGTH) {
                            throw new StunException("MESSAGE-INTEGRITY of " + valueLength + " bytes (expected: "
                                    + MESSAGE_INTEGRITY_LENGTH + ")");
                        }
                        layout.messageIntegrity = pos;
                    }
                    case ATTR_FINGERPRINT -> {
                        if (valueLength != FINGERPRINT_LENGTH) {
                            throw new StunException("FINGERPRINT of " + valueLength + " bytes (expected: " + FINGERPRINT_LENGTH + ")");
                        }
                        layout.fingerprint = pos;
                    }
                    default -> {
                        // checked by ice4j's decoder, or ignored
                    }
                }
                pos += 4 + padded(valueLength);
            }
            return layout;
        }
    }

    /** RFC 8489 §14.7: CRC-32 of the message up to FINGERPRINT, xor 0x5354554e. The length field already covers it (last). */
    private static void checkFingerprint(byte[] data, int offset, Layout layout) throws StunException {
        if (layout.fingerprint < 0) {
            return;
        }
        CRC32 crc = new CRC32();
        crc.update(data, offset, layout.fingerprint - offset);
        long expected = crc.getValue() ^ FINGERPRINT_XOR;
        if (u32(data, layout.fingerprint + 4) != (int) expected) {
            throw new StunException("FINGERPRINT does not match (expected: CRC-32 of the message xor 0x5354554e)");
        }
    }

    private static Message ice4jDecode(byte[] bytes, int length) throws StunException {
        try {
            return Message.decode(bytes, 0, length);
        } catch (org.ice4j.StunException e) {
            throw new StunException("malformed STUN message: " + e.getMessage());
        } catch (RuntimeException e) {
            // ice4j's attribute decoders are not hardened: any failure on input we let through is still bad input.
            throw new StunException("malformed STUN message: " + e.getClass().getSimpleName());
        }
    }

    private static boolean verifyIntegrity(MessageIntegrityAttribute mi, String username, boolean shortTerm, byte[] bytes,
            int length, String pwd) {
        KEY.set(pwd.getBytes(StandardCharsets.UTF_8));
        try {
            return STACK.validateMessageIntegrity(mi, username, shortTerm, RawMessage.build(bytes, length, null, null));
        } catch (RuntimeException e) {
            return false;
        } finally {
            KEY.remove();
        }
    }

    private static byte[] encode(Message message, String pwd) {
        KEY.set(pwd.getBytes(StandardCharsets.UTF_8));
        try {
            return message.encode(STACK);
        } finally {
            KEY.remove();
        }
    }

    /** ice4j reads attribute offsets as absolute positions: hand it an array where the message starts at 0. */
    private static byte[] atZero(byte[] data, int offset, int length) {
        return offset == 0 && data.length == length ? data : Arrays.copyOfRange(data, offset, offset + length);
    }

    private static byte[] checkTransactionId(byte[] transactionId) {
        requireNonNull(transactionId, "transactionId");
        if (transactionId.length != TRANSACTION_ID_LENGTH) {
            throw new IllegalArgumentException("transactionId: " + transactionId.length + " bytes (expected: "
                    + TRANSACTION_ID_LENGTH + ")");
        }
        return transactionId;
    }

    private static int padded(int length) {
        return (length + 3) & ~3;
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    private static int u32(byte[] b, int i) {
        return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    /** Hands ice4j the key of the call in progress on this thread, whatever user name it asks with. */
    private static final class ThreadKeyAuthority implements CredentialsAuthority {
        @Override
        public byte[] getLocalKey(String username) {
            return KEY.get();
        }

        @Override
        public byte[] getRemoteKey(String username, String media) {
            return KEY.get();
        }

        @Override
        public boolean checkLocalUserName(String username) {
            return KEY.get() != null;
        }
    }
}
