#!/usr/bin/env python3
"""A codec in any language, for `squeeze compare --external`: static order-0
Huffman coding (Huffman 1952) with canonical codes, in plain Python 3.

    python3 huffman.py c INPUT OUTPUT     compress
    python3 huffman.py d INPUT OUTPUT     decompress

File format: the original length (8 bytes, big-endian), 256 code lengths
(one byte each, 0 = byte absent), then the codes, most significant bit first,
padded with zero bits to a whole byte. Exit status 0 on success, 1 with a
message naming the file on damaged input.
"""
import heapq
import sys


def code_lengths(counts):
    """Huffman code lengths for the bytes that occur (one byte alone gets length 1)."""
    present = [b for b in range(256) if counts[b]]
    if len(present) == 1:
        return {present[0]: 1}
    # Heap entries: (weight, tie-breaker, the bytes below this node).
    heap = [(counts[b], b, [b]) for b in present]
    heapq.heapify(heap)
    lengths = {b: 0 for b in present}
    tie = 256
    while len(heap) > 1:
        w1, _, s1 = heapq.heappop(heap)
        w2, _, s2 = heapq.heappop(heap)
        for b in s1 + s2:
            lengths[b] += 1  # every byte under the merged node sinks one level
        heapq.heappush(heap, (w1 + w2, tie, s1 + s2))
        tie += 1
    return lengths


def canonical_codes(lengths):
    """Canonical codes: shorter codes first, equal lengths in byte order."""
    codes, code, previous = {}, 0, 0
    for b in sorted(lengths, key=lambda b: (lengths[b], b)):
        code <<= lengths[b] - previous
        previous = lengths[b]
        codes[b] = code
        code += 1
    return codes


def compress(data):
    counts = [0] * 256
    for b in data:
        counts[b] += 1
    lengths = code_lengths(counts) if data else {}
    if any(n > 255 for n in lengths.values()):
        raise ValueError("a code is longer than 255 bits")
    codes = canonical_codes(lengths)
    table = {b: format(codes[b], "0%db" % lengths[b]) for b in lengths}
    bits = "".join(table[b] for b in data)
    bits += "0" * (-len(bits) % 8)
    header = len(data).to_bytes(8, "big") + bytes(lengths.get(b, 0) for b in range(256))
    return header + int(bits or "0", 2).to_bytes(len(bits) // 8, "big")


def decompress(packed):
    if len(packed) < 8 + 256:
        raise ValueError("truncated header")
    n = int.from_bytes(packed[:8], "big")
    lengths = {b: packed[8 + b] for b in range(256) if packed[8 + b]}
    if n and not lengths:
        raise ValueError("no codes for %d bytes" % n)
    if sum(2.0 ** -l for l in lengths.values()) > 1:
        raise ValueError("code lengths over-subscribe the code space")
    decode = {(lengths[b], c): b for b, c in canonical_codes(lengths).items()}
    out = bytearray()
    code = length = 0
    for byte in packed[8 + 256:]:
        for shift in range(7, -1, -1):
            if len(out) == n:
                break
            code = code << 1 | (byte >> shift) & 1
            length += 1
            b = decode.get((length, code))
            if b is not None:
                out.append(b)
                code = length = 0
            elif length > 255:
                raise ValueError("no code matches at output byte %d" % len(out))
    if len(out) != n:
        raise ValueError("truncated: %d of %d bytes decoded" % (len(out), n))
    return bytes(out)


def main(argv):
    if len(argv) != 4 or argv[1] not in ("c", "d"):
        sys.stderr.write("usage: huffman.py c|d INPUT OUTPUT\n")
        return 2
    with open(argv[2], "rb") as f:
        data = f.read()
    try:
        result = compress(data) if argv[1] == "c" else decompress(data)
    except ValueError as e:
        sys.stderr.write("huffman.py: %s: %s\n" % (argv[2], e))
        return 1
    with open(argv[3], "wb") as f:
        f.write(result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
