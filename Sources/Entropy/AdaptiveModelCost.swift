/// Ideal code length (−Σ log2 p, in bits) of bytes under exactly the adaptive
/// models `AdaptiveArithmeticCoding` (and the `arith` codec) use, with the same
/// integer probabilities and updates. The range coder's output is this plus its
/// small overhead (integer division of the range, 5 flush bytes), which is the
/// cross-check between the estimator and the coder.
///
/// Model numbers as in `AdaptiveArithmeticCoding`: 0, 1, 2 = order-k frequency
/// model (see `AdaptiveFrequencyModel` for the update rule); 3, 4 = bitwise
/// context mixing. The model starts fresh for `bytes` (the codec resets it per block).
/// The sum is in Double (log2): a measurement only, which no coder reads.
public enum AdaptiveModelCost {
    public static func codeLength(of bytes: UnsafeRawBufferPointer, order model: Int) throws(CodecError) -> Double {
        guard AdaptiveArithmeticCoding.models.contains(model) else {
            throw .invalidParameter("arithmetic model \(model) outside \(AdaptiveArithmeticCoding.models)")
        }
        let n = bytes.count
        guard let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), n > 0 else { return 0 }
        var bits = 0.0
        if model <= 2 {
            try OrderKFrequencyModel.withModel(order: model, symbolCount: n) { (m) throws(CodecError) in
                for i in 0..<n {
                    let s = Int(p[i])
                    let ctx = m.currentContext()
                    let freq = AdaptiveFrequencyModel.interval(of: s, in: ctx).frequency
                    bits -= log2Double(Double(freq) / Double(AdaptiveFrequencyModel.total(ctx)))
                    m.update(s, in: ctx)
                }
            }
        } else {
            try ContextMixingModel.withModel(orders: AdaptiveArithmeticCoding.mixedOrders(model: model)) { (m) throws(CodecError) in
                for i in 0..<n {
                    let byte = p[i]
                    for k in stride(from: 7, through: 0, by: -1) {
                        let bit = (byte >> UInt8(k)) & 1 != 0
                        let p1 = Double(m.probabilityOfOne()) / 65536
                        bits -= log2Double(bit ? p1 : 1 - p1)
                        m.update(bit)
                    }
                }
            }
        }
        return bits
    }

    public static func codeLength(of bytes: [UInt8], order model: Int) throws(CodecError) -> Double {
        let r: Result<Double, CodecError> = bytes.withUnsafeBytes { raw in
            Result { () throws(CodecError) -> Double in try codeLength(of: raw, order: model) }
        }
        return try r.get()
    }
}
