/// Versions of the linked system libraries, for reports.
public enum SystemLibraries {
    public static var versions: [(String, String)] { [] }
}
