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
  if (size == 0)
    return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1,
                               size - 1);
  if (data[0] % 2 == 0)
    fuzz_round_trip(bytes, btk::decode_sweep_result, btk::encode_sweep_result);
  else
    fuzz_round_trip(bytes, btk::decode_sweep_job, btk::encode_sweep_job);
  return 0;
}
