#pragma once

// Sweep records as in-process CAF messages. Their wire and disk form is the
// Cap'n Proto encoding of messages/sweep_convert.hpp; between actors of one
// process they travel as plain structs (the statistics' variant values have
// no CAF 0.17 inspector), so they are marked in-process only.

#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>

#include "messages/sweep_convert.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<btk::sweep_job>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<btk::sweep_result>)
