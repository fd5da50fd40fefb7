/// Where `UniversalValueCoding.decode` delivers each value as soon as it is read, so
/// the `rank` and `interval` decoders turn values into bytes without a value array
/// (their memory stays at the `originalCount` output bytes).
protocol ValueSink {
    /// Takes value `value` (already checked to be in 1…maximum) for output position `position`.
    mutating func accept(_ value: UInt32, at position: Int) throws(CodecError)
}
