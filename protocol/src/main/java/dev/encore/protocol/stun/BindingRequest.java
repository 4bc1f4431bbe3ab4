package dev.encore.protocol.stun;

/**
 * An authenticated STUN Binding request as an ICE-lite agent sees it (RFC 8445 §7.3).
 *
 * @param transactionId the 12-byte transaction id, to echo in the response
 * @param username the whole USERNAME attribute, {@code "<local ufrag>:<remote ufrag>"}
 * @param useCandidate whether USE-CANDIDATE was present (the controlling agent nominates this pair)
 * @param priority the PRIORITY attribute
 * @param controlling true when ICE-CONTROLLING was present, false for ICE-CONTROLLED
 */
public record BindingRequest(byte[] transactionId, String username, boolean useCandidate, long priority, boolean controlling) {
}
