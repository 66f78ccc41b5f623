# Install rules and packaging: `cmake --install build --prefix P` puts the
# `btk` binary in P/bin, the libraries in P/lib, the public headers under
# P/include/btk and a CMake package in P/lib/cmake/btk, so a host does
#
#   find_package(btk 0.1 REQUIRED)
#   target_link_libraries(host PRIVATE btk::api)
#
# and `cpack -G DEB` (from the build directory) makes a .deb of the same.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(BTK_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/btk")

get_property(_btk_libraries GLOBAL PROPERTY BTK_LIBRARIES)
# The command line's own library is for the `btk` binary, not for hosts.
list(REMOVE_ITEM _btk_libraries btk_cli)
install(TARGETS ${_btk_libraries} EXPORT btkTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/btk")
if(TARGET btk)
  install(TARGETS btk RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
endif()

# Public headers keep their source paths (`#include "runtime/api/runs.hpp"`).
foreach(dir core strategies messages actors runtime/data runtime/store
            runtime/results runtime/cluster runtime/sweep runtime/api)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/${dir}/"
          DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/btk/${dir}"
          FILES_MATCHING PATTERN "*.hpp" PATTERN "*.capnp"
          PATTERN "engine_impl.hpp" EXCLUDE PATTERN "batch.hpp" EXCLUDE
          PATTERN "node_impl.hpp" EXCLUDE)
endforeach()
# The headers capnp generated from messages/*.capnp.
install(DIRECTORY "${PROJECT_BINARY_DIR}/messages/gen/messages/"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/btk/messages"
        FILES_MATCHING PATTERN "*.capnp.h")

install(EXPORT btkTargets NAMESPACE btk::
        DESTINATION "${BTK_INSTALL_CMAKEDIR}")
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/btkConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/btkConfig.cmake"
  INSTALL_DESTINATION "${BTK_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/btkConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/btkConfig.cmake"
              "${PROJECT_BINARY_DIR}/btkConfigVersion.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/FindCAF.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/Findlibdeflate.cmake"
        DESTINATION "${BTK_INSTALL_CMAKEDIR}")

# -- cpack -G DEB ---------------------------------------------------------------
set(CPACK_PACKAGE_NAME "btk")
set(CPACK_PACKAGE_VENDOR "btk")
set(CPACK_PACKAGE_CONTACT "btk maintainers <maintainers@btk.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "backtesting engine with backtest-kit semantics: the btk command and the C++ API")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Debug info stays in the build tree; the package ships stripped files.
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
# The binary needs the shared libraries (RocksDB's own, or with
# BTK_ROCKSDB_STATIC those RocksDB's static library uses); a host building
# against the headers and static libraries needs the -dev packages.
if(BTK_ROCKSDB STREQUAL "RocksDB::rocksdb")
  set(_btk_rocksdb_debs "libsnappy1v5, liblz4-1, libzstd1, libbz2-1.0, libgflags2.2")
else()
  set(_btk_rocksdb_debs "librocksdb7.8")
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libcaf-core0.17, libcaf-io0.17, ${_btk_rocksdb_debs}, libcapnp-0.9.2, libfmt9, zlib1g, libdeflate0, libssl3, libtomlplusplus3")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "libcaf-dev, librocksdb-dev, libcapnp-dev, capnproto, libfmt-dev, nlohmann-json3-dev, zlib1g-dev, libdeflate-dev, libboost1.74-dev, libssl-dev, libtomlplusplus-dev")
include(CPack)
