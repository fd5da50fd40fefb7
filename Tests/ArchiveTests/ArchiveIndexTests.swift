import Testing
@testable import Archive
import Container

@Suite struct ArchiveIndexTests {
    @Test func placeholder() { #expect(Bool(true)) }
}
