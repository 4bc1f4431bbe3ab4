package dev.encore.recording.clip;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jcodec.containers.mp4.boxes.Box;
import org.jcodec.containers.mp4.boxes.Box.LeafBox;
import org.jcodec.containers.mp4.boxes.DataInfoBox;
import org.jcodec.containers.mp4.boxes.DataRefBox;
import org.jcodec.containers.mp4.boxes.Header;
import org.jcodec.containers.mp4.boxes.MovieBox;
import org.jcodec.containers.mp4.boxes.NodeBox;
import org.jcodec.containers.mp4.boxes.SampleEntry;
import org.jcodec.containers.mp4.boxes.TrakBox;

/**
 * The Opus pieces JCodec's MP4 muxer does not know, per "Encapsulation of Opus in ISO Base Media File Format"
 * (https://opus-codec.org/docs/opus_in_isobmff.html, cited below as "Opus in ISOBMFF"), and the fixes that make JCodec's
 * QuickTime-flavoured track boxes plain ISO BMFF (ISO/IEC 14496-12). Stateless.
 */
final class OpusMp4 {
    private OpusMp4() {
    }

    /** Opus in ISOBMFF §4.3.1: {@code OpusSampleEntry extends AudioSampleEntry('Opus')} holding one {@code dOps}. */
    static SampleEntry sampleEntry(OpusHead head, long preSkip) {
        return new OpusSampleEntry(head.channels(), opusSpecificBox(head, preSkip));
    }

    /**
     * Opus in ISOBMFF §4.3.2, the {@code dOps} box: the OpusHead's fields in big-endian order. PreSkip here is informative
     * (the edit list does the trimming) and shall be at least 80 ms, so it is the clip's own priming, never less than the
     * pre-roll.
     */
    static Box opusSpecificBox(OpusHead head, long preSkip) {
        byte[] table = head.mappingTable();
        ByteBuffer b = ByteBuffer.allocate(11 + table.length);
        b.put((byte) 0); // Version
        b.put((byte) head.channels()); // OutputChannelCount
        b.putShort((short) Math.min(0xFFFF, Math.max(preSkip, OpusSpanReader.PREROLL_SAMPLES)));
        b.putInt((int) head.inputSampleRate());
        b.putShort((short) head.outputGain());
        b.put((byte) head.mappingFamily());
        b.put(table); // StreamCount, CoupledCount, ChannelMapping when the family is not 0
        b.flip();
        return LeafBox.createLeafBox(Header.createHeader("dOps", 0), b);
    }

    /**
     * Opus in ISOBMFF §4.3.6.2: every Opus sample is a sync sample but needs 80 ms of pre-roll, signalled as a 'roll' sample
     * group (ISO/IEC 14496-12 §10.1): an {@code sgpd} with one AudioRollRecoveryEntry and an {@code sbgp} mapping every
     * sample to it. {@code roll_distance} counts samples (packets), negative.
     */
    static List<Box> rollGroup(int sampleCount, int packetSamples) {
        int rollDistance = -((OpusSpanReader.PREROLL_SAMPLES + packetSamples - 1) / packetSamples);
        ByteBuffer sgpd = ByteBuffer.allocate(18);
        sgpd.putInt(1 << 24); // version 1 (default_length present), flags 0
        sgpd.put(fourcc("roll"));
        sgpd.putInt(2); // default_length: an AudioRollRecoveryEntry is one signed 16-bit roll_distance
        sgpd.putInt(1); // entry_count
        sgpd.putShort((short) rollDistance);
        sgpd.flip();
        ByteBuffer sbgp = ByteBuffer.allocate(20);
        sbgp.putInt(0); // version 0, flags 0
        sbgp.put(fourcc("roll"));
        sbgp.putInt(1); // entry_count
        sbgp.putInt(sampleCount);
        sbgp.putInt(1); // group_description_index: the sgpd entry above
        sbgp.flip();
        return List.of(LeafBox.createLeafBox(Header.createHeader("sgpd", 0), sgpd),
                LeafBox.createLeafBox(Header.createHeader("sbgp", 0), sbgp));
    }

    /**
     * Makes JCodec's tracks plain ISO BMFF: a self-contained {@code url } data reference (ISO/IEC 14496-12 §8.7.2) instead
     * of QuickTime's {@code alis}, and no QuickTime-only {@code tapt} or data handler {@code hdlr} inside {@code minf}.
     */
    static void makeIso(MovieBox moov) {
        for (TrakBox trak : moov.getTracks()) {
            trak.removeChildren(new String[] {"tapt"});
            NodeBox minf = NodeBox.findFirstPath(trak, NodeBox.class, new String[] {"mdia", "minf"});
            if (minf == null) {
                continue;
            }
            minf.removeChildren(new String[] {"hdlr"});
            DataRefBox dref = DataRefBox.createDataRefBox();
            // version 0, flags 1: the media data is in this file.
            dref.add(LeafBox.createLeafBox(Header.createHeader("url ", 0), ByteBuffer.wrap(new byte[] {0, 0, 0, 1})));
            DataInfoBox dinf = DataInfoBox.createDataInfoBox();
            dinf.add(dref);
            minf.replace("dinf", dinf);
        }
    }

    private static byte[] fourcc(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** ISO/IEC 14496-12 §12.2.3 AudioSampleEntry, with the Opus in ISOBMFF §4.3.1 values, and its {@code dOps}. */
    private static final class OpusSampleEntry extends SampleEntry {
        private final int channels;

        OpusSampleEntry(int channels, Box dOps) {
            super(new Header("Opus"));
            this.channels = channels;
            setDrefInd((short) 1);
            add(dOps);
        }

        @Override
        protected void doWrite(ByteBuffer out) {
            super.doWrite(out); // reserved(6), data_reference_index
            out.putInt(0); // reserved(2 x 32)
            out.putInt(0);
            out.putShort((short) channels); // channelcount = OutputChannelCount
            out.putShort((short) 16); // samplesize shall be 16
            out.putShort((short) 0); // pre_defined
            out.putShort((short) 0); // reserved
            out.putInt(OpusSpan.RATE << 16); // samplerate shall be 48000 << 16 (16.16, read as unsigned)
            writeExtensions(out); // the dOps box
        }

        @Override
        public int estimateSize() {
            return super.estimateSize() + 20;
        }
    }
}
