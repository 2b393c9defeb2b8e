/// Where the FRAME size D on the emulated downlink comes from (`irac.frame_bits_source`, and
/// client-sim's `--frame-bits-source`).
///
/// ECO-GS models every FRAME as D bits (its 16 Mbit); the edge really sends a PNG whose size
/// depends on the resolution and on what the view shows. Both ends of the emulated link must
/// agree on which, or the client measures other airtimes than the edge planned.
public enum FrameBitsSource: String, Sendable, Equatable, CaseIterable {
    /// Every FRAME is the configured D bits (`irac.frame_bits`), whatever was encoded.
    case configured
    /// A FRAME is the bits of its encoded PNG; the edge plans with a running estimate of them.
    case measured
}
