#!/usr/bin/env python3
"""Writes Tests/ContainerTests/GoldenErrors/: damaged .sqz archives, one per
check of docs/FORMAT.md's "What a reader checks", made from the golden archives
of Tests/ContainerTests/Golden. The expected message of each is in
expected.tsv, written by hand from the format's list; ContainerTests checks
that the reader gives exactly that message. Run from the repository root."""
import os, struct, zlib

GOLD = "Tests/ContainerTests/Golden"
OUT = "Tests/ContainerTests/GoldenErrors"

def crc(b): return struct.pack("<I", zlib.crc32(bytes(b)) & 0xFFFFFFFF)

def varint(data, i):
    v, shift = 0, 0
    while True:
        b = data[i]; i += 1
        v |= (b & 0x7F) << shift; shift += 7
        if b < 0x80: return v, i

def enc_varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F; v >>= 7
        if v: out.append(b | 0x80)
        else: out.append(b); return bytes(out)

def blocks(data):
    """(start, header end, payload end, tag) of each block, then the end marker's start."""
    i, out = 16, []
    while data[i] != 0:
        start, tag = i, data[i]
        raw, i = varint(data, i + 1)
        size, i = varint(data, i)
        i += 8
        out.append((start, i, i + size, tag))
        i += size
    return out, i

def fix_header(d): d[12:16] = crc(d[0:12]); return d

huff = bytearray(open(f"{GOLD}/alice.huffman-2.sqz", "rb").read())
bl, end = blocks(huff)
cases = {}
cases["empty.sqz"] = b""
cases["text.sqz"] = b"hello, world\n"
cases["truncated-header.sqz"] = huff[:10]
d = bytearray(huff); d[6] ^= 1; cases["header-checksum.sqz"] = d
d = bytearray(huff); d[4] = 3; cases["version-3.sqz"] = fix_header(d)
d = bytearray(huff); d[5] = 99; cases["unknown-codec.sqz"] = fix_header(d)
d = bytearray(huff); d[6] = 77; cases["bad-level.sqz"] = fix_header(d)
d = bytearray(huff); d[7] = 1; cases["flags.sqz"] = fix_header(d)
# Block 1's raw CRC32 changed and its header CRC fixed: the data decodes, the checksum does not match.
s, h, p, _ = bl[0]; d = bytearray(huff); d[h - 8] ^= 0xFF; d[h - 4:h] = crc(d[s:h - 4]); cases["block-checksum.sqz"] = d
# Block 1's header CRC itself damaged.
d = bytearray(huff); d[h - 1] ^= 0x10; cases["block-header-checksum.sqz"] = d
# Block 2 declares more raw bytes than the frame's block size (header CRC fixed).
s, h, p, tag = bl[1]; raw, j = varint(huff, s + 1); size, k = varint(huff, j)
head = bytes([tag]) + enc_varint(1 << 20) + enc_varint(size) + bytes(huff[k:k + 4])
d = huff[:s] + head + crc(head) + huff[h:]; cases["block-too-large.sqz"] = d
cases["truncated-block.sqz"] = huff[:(bl[1][1] + bl[1][2]) // 2]
cases["no-end-marker.sqz"] = huff[:end]
cases["trailing-data.sqz"] = huff + b"x"
# End marker: total size off by one, its CRC fixed.
total, j = varint(huff, end + 1)
marker = bytes([0]) + enc_varint(total + 1) + bytes(huff[j:-4])
cases["end-total.sqz"] = huff[:end] + marker + crc(marker)
# End marker: content CRC changed, its CRC fixed.
marker = bytearray(huff[end:-4]); marker[-1] ^= 0xFF
cases["content-checksum.sqz"] = huff[:end] + marker + crc(marker)
# A bit flipped inside an lz77 payload: the decoder or the checksum catches it.
lz = bytearray(open(f"{GOLD}/alice.lz77-9.sqz", "rb").read())
lb, _ = blocks(lz); s, h, p, _ = lb[0]; lz[(h + p) // 2] ^= 0x04; cases["lz77-payload-bit.sqz"] = lz
# A bwt payload naming format 7 (as a newer build might): unsupported, not corrupt. The
# header word's top bits follow the range coder's zero first byte, inverted (a one bit
# keeps the lower part of the range), so clearing byte 1's top three bits reads as 7.
bw = bytearray(open(f"{GOLD}/alice.bwt-5.sqz", "rb").read())
bb, _ = blocks(bw); s, h, p, _ = bb[0]; assert bw[h] == 0; bw[h + 1] &= 0x1F; cases["bwt-format-7.sqz"] = bw

os.makedirs(OUT, exist_ok=True)
for name, data in cases.items():
    open(f"{OUT}/{name}", "wb").write(bytes(data))
print(f"wrote {len(cases)} archives to {OUT}")
