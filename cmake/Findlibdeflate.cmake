# Debian's libdeflate-dev ships a header, the libraries and a .pc file, no
# CMake config. This module creates libdeflate::libdeflate.
find_path(LIBDEFLATE_INCLUDE_DIR NAMES libdeflate.h)
find_library(LIBDEFLATE_LIBRARY NAMES deflate)
if(LIBDEFLATE_INCLUDE_DIR)
  file(STRINGS "${LIBDEFLATE_INCLUDE_DIR}/libdeflate.h" _v
       REGEX "^#define LIBDEFLATE_VERSION_STRING")
  string(REGEX REPLACE ".*\"([0-9.]+)\".*" "\\1" LIBDEFLATE_VERSION "${_v}")
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(libdeflate REQUIRED_VARS
  LIBDEFLATE_INCLUDE_DIR LIBDEFLATE_LIBRARY VERSION_VAR LIBDEFLATE_VERSION)
if(libdeflate_FOUND AND NOT TARGET libdeflate::libdeflate)
  add_library(libdeflate::libdeflate UNKNOWN IMPORTED)
  set_target_properties(libdeflate::libdeflate PROPERTIES
    IMPORTED_LOCATION "${LIBDEFLATE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LIBDEFLATE_INCLUDE_DIR}")
endif()
