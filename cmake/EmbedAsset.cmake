# cmake -DIN=file -DOUT=file.cpp -DNAME=function -P EmbedAsset.cmake
#
# Writes OUT: a C++ function `std::string_view btk::serve::NAME()` returning
# the bytes of IN, so the dashboard is part of the binary and nothing is
# read from the disk or the network when it is served.
file(READ "${IN}" content)
string(FIND "${content}" ")btk_asset\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} holds the raw-string delimiter )btk_asset\"")
endif()
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN} by cmake/EmbedAsset.cmake; do not edit.\n"
  "#include <string_view>\n"
  "namespace btk::serve {\n"
  "std::string_view ${NAME}() {\n"
  "  static constexpr std::string_view text = R\"btk_asset(${content})btk_asset\";\n"
  "  return text;\n"
  "}\n"
  "} // namespace btk::serve\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
