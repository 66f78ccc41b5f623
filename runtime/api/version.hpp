#pragma once

#include <string>

namespace btk {

/// btk's version and the commit it was built from when known, with
/// `-dirty` for uncommitted changes (`0.1.0 (git 94e7574)`), for bug
/// reports and `btk --version`.
std::string version();

} // namespace btk
