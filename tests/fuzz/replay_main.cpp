// Runs a fuzz target's `LLVMFuzzerTestOneInput` once on every file named on
// the command line (folders: every file inside, sorted), without libFuzzer:
// the corpus and every crash ever found replay as an ordinary test under
// the normal and the sanitizer builds. Paths after `--if-present` may be
// missing (a target without crashes has no crash folder). Exit 0 when all ran;
// a failed invariant aborts naming it, after this prints which input was
// running.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> inputs;
  bool optional = false; // after --if-present, a missing path is no error
  for (int i = 1; i < argc; ++i) {
    const fs::path p = argv[i];
    if (p == "--if-present") {
      optional = true;
    } else if (fs::is_directory(p)) {
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file())
          inputs.push_back(e.path());
    } else if (fs::is_regular_file(p)) {
      inputs.push_back(p);
    } else if (!optional) {
      std::fprintf(stderr, "%s: no such file or folder\n", argv[i]);
      return 2;
    }
  }
  std::sort(inputs.begin(), inputs.end());
  if (inputs.empty()) {
    std::fprintf(stderr, "no inputs: give corpus files or folders\n");
    return 2;
  }
  for (const auto& p : inputs) {
    std::ifstream in(p, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::fprintf(stderr, "running %s\n", p.c_str());
    std::fflush(stderr);
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                           bytes.size());
  }
  std::printf("%zu inputs ran clean\n", inputs.size());
  return 0;
}
