"""Decodes a non-interlaced 8-bit RGB PNG into a binary PPM (P6): a raw image
for corpora/mixed, where the delta filter is measured. Usage: png-to-ppm.py IN OUT"""
import struct, sys, zlib

def main(src, dst):
    data = open(src, "rb").read()
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if (depth, colour, interlace) != (8, 2, 0):
        sys.exit("png-to-ppm: only 8-bit RGB, non-interlaced PNG is handled")
    raw, stride, bpp = zlib.decompress(idat), width * 3, 3
    out, previous = bytearray(), bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = row[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1: row[i] = (row[i] + a) & 255
            elif kind == 2: row[i] = (row[i] + b) & 255
            elif kind == 3: row[i] = (row[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                row[i] = (row[i] + pred) & 255
        out += row
        previous = row
    with open(dst, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (width, height))
        f.write(out)

main(sys.argv[1], sys.argv[2])
