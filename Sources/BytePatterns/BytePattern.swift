internal import CPCRE2

/// Placeholder so the module builds until the wrapper lands.
package enum BytePatternsVersion { package static let pcre2Major = 10 }
