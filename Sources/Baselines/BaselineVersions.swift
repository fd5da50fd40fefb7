import CBzip2
import CLzma
import CZlib
import CZstd

/// The versions of the system libraries behind the baseline codecs, as the
/// linked libraries report them at run time (not the headers we compiled with),
/// so a report names exactly what it measured.
public enum BaselineVersions {
    public static var zlib: String { String(cString: zlibVersion()) }

    /// bzip2 reports "1.0.8, 13-Jul-2019"; the part before the comma is the version.
    public static var bzip2: String {
        let full = String(cString: BZ2_bzlibVersion())
        return full.split(separator: ",").first.map(String.init) ?? full
    }

    public static var xz: String { String(cString: lzma_version_string()) }

    public static var zstd: String { String(cString: ZSTD_versionString()) }

    /// Library name and version for every baseline, in the order of `Baselines.all`.
    public static var all: [(library: String, version: String)] {
        [("zlib", zlib), ("bzip2", bzip2), ("xz", xz), ("zstd", zstd)]
    }
}
