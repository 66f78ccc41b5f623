// The records of a sweep state and of the wire to nodes (jobs and results,
// `messages/sweep.capnp`; a node's sweep setup, `messages/cluster.capnp`)
// on any bytes, the first byte picking the decoder: a record that decodes
// encodes to bytes that decode to the same encoding.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "messages/cluster_convert.hpp"
#include "messages/sweep_convert.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  unsigned pick = 0;
  std::string_view bytes;
  if (!fuzz_pick(data, size, pick, bytes))
    return 0;
  if (pick % 3 == 0)
    fuzz_round_trip(bytes, btk::decode_sweep_result, btk::encode_sweep_result);
  else if (pick % 3 == 1)
    fuzz_round_trip(bytes, btk::decode_sweep_job, btk::encode_sweep_job);
  else
    fuzz_round_trip(
        bytes, [](std::string_view b) { return btk::decode_sweep_setup(b); },
        btk::encode_sweep_setup);
  return 0;
}
