/// A set of defects whose members have stable names for output (`HeaderDefects`, `MIMEDefects`).
package protocol NamedDefects: OptionSet where RawValue: FixedWidthInteger, Element == Self {
    /// Each defect with its name, in the order names are listed.
    static var named: [(Self, String)] { get }
}

extension NamedDefects {
    /// Appends the names of the defects in the set that `out` does not hold yet, in the listed order.
    package func appendDistinctNames(into out: inout [String]) {
        guard rawValue != 0 else { return }
        for (flag, name) in Self.named where contains(flag) && !out.contains(name) { out.append(name) }
    }
}
