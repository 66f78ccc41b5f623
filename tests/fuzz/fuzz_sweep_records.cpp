// The records of a sweep state (jobs and results, `messages/sweep.capnp`)
// on any bytes, the first byte picking the decoder: a record that decodes
// encodes to bytes that decode to the same encoding.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "messages/sweep_convert.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  unsigned pick = 0;
  std::string_view bytes;
  if (!fuzz_pick(data, size, pick, bytes))
    return 0;
  if (pick % 2 == 0)
    fuzz_round_trip(bytes, btk::decode_sweep_result, btk::encode_sweep_result);
  else
    fuzz_round_trip(bytes, btk::decode_sweep_job, btk::encode_sweep_job);
  return 0;
}
