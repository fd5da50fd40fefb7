/// Byte streams coded with the range coder and an adaptive model, chosen by a
/// model number:
/// - 0, 1, 2: `OrderKFrequencyModel` of that order (multi-symbol coding);
/// - 3: `ContextMixingModel` mixing orders 0...3 (bitwise coding);
/// - 4: `ContextMixingModel` mixing orders 0, 1, 2, 3, 4, 6.
/// Every call starts from a fresh model. The output is the models' ideal code
/// length (`AdaptiveModelCost`) plus at most 9 flush bytes and a loss below
/// 2^-16 bit per coded symbol or bit (see `RangeEncoder`). `AdaptiveModelCost` gives the ideal
/// code length of the same models.
public enum AdaptiveArithmeticCoding {
    public static let models = 0...4

    /// Context orders mixed by a bitwise model number (3 or 4).
    public static func mixedOrders(model: Int) -> [Int] {
        model == 3 ? [0, 1, 2, 3] : [0, 1, 2, 3, 4, 6]
    }

    /// Appends the coded form of `input` to `out`.
    public static func encode(_ input: UnsafeRawBufferPointer, model: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard models.contains(model) else { throw .invalidParameter("arithmetic model \(model) outside \(models)") }
        guard input.count > 0 else { return } // nothing to code, not even the flush
        var encoder = RangeEncoder(appendingTo: out)
        out = ByteBuffer()
        let n = input.count
        if let p = input.baseAddress?.assumingMemoryBound(to: UInt8.self), n > 0 {
            if model <= 2 {
                try OrderKFrequencyModel.withModel(order: model, symbolCount: n) { (model) throws(CodecError) in
                    // Local copies keep the coder and model state in registers.
                    var enc = encoder
                    encoder = RangeEncoder()
                    var m = model
                    for i in 0..<n {
                        let s = Int(p[i])
                        let ctx = m.currentContext()
                        let (cum, freq) = AdaptiveFrequencyModel.interval(of: s, in: ctx)
                        enc.encode(cumulative: cum, frequency: freq, total: AdaptiveFrequencyModel.total(ctx))
                        m.update(s, in: ctx)
                    }
                    model = m
                    encoder = enc
                }
            } else {
                try ContextMixingModel.withModel(orders: mixedOrders(model: model)) { (m) throws(CodecError) in
                    for i in 0..<n {
                        let byte = p[i]
                        var k: UInt8 = 8
                        while k > 0 {
                            k &-= 1
                            let bit = (byte >> k) & 1 != 0
                            encoder.encodeBit(bit, probabilityOfOne: m.probabilityOfOne())
                            m.update(bit)
                        }
                    }
                }
            }
        }
        out = encoder.finish()
    }

    /// Decodes `count` bytes into `destination`.
    public static func decode(_ input: UnsafeRawBufferPointer, model: Int, count n: Int,
                              into destination: UnsafeMutablePointer<UInt8>) throws(CodecError) {
        guard models.contains(model) else { throw .corrupt("arithmetic model \(model) outside \(models)") }
        guard n > 0 else { return }
        var decoder = RangeDecoder(input)
        if model <= 2 {
            try OrderKFrequencyModel.withModel(order: model, symbolCount: n) { (model) throws(CodecError) in
                // Local copies keep the coder and model state in registers; the model
                // (not copyable) is moved out and back, also when decoding fails.
                var dec = decoder
                var m = model
                var failure: CodecError?
                for i in 0..<n {
                    let ctx = m.currentContext()
                    let target: (offset: UInt64, width: UInt64)
                    do throws(CodecError) { target = try dec.decodeScaledTarget(total: AdaptiveFrequencyModel.total(ctx)) } catch { failure = error; break }
                    let (s, cum, freq) = AdaptiveFrequencyModel.symbol(atOffset: target.offset, width: target.width, in: ctx)
                    dec.consume(cumulative: cum, frequency: freq)
                    destination[i] = UInt8(truncatingIfNeeded: s)
                    m.update(s, in: ctx)
                }
                model = m
                decoder = dec
                if let failure { throw failure }
            }
        } else {
            try ContextMixingModel.withModel(orders: mixedOrders(model: model)) { (m) throws(CodecError) in
                for i in 0..<n {
                    var c = 1
                    while c < 256 {
                        let bit = decoder.decodeBit(probabilityOfOne: m.probabilityOfOne())
                        m.update(bit)
                        c = c &<< 1 | (bit ? 1 : 0)
                    }
                    destination[i] = UInt8(truncatingIfNeeded: c)
                }
            }
        }
        try decoder.finish()
    }
}
