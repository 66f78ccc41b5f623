# btk_add_library(NAME SOURCES src... DEPENDS target...)
#
# One static library `btk_NAME` of a layer or runtime subsystem, with the
# alias `btk::NAME` (the name hosts use, in the tree and after
# `find_package(btk)`), its dependencies PUBLIC (static libraries pass them
# on), and headers found from the source root (`#include "core/..."`), or
# from `include/btk` once installed. Every library is recorded in
# BTK_LIBRARIES for the install rules.
function(btk_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
  set(target btk_${name})
  add_library(${target} STATIC ${ARG_SOURCES})
  add_library(btk::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  target_include_directories(${target} PUBLIC
    "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>"
    "$<INSTALL_INTERFACE:include/btk>")
  target_link_libraries(${target} PUBLIC ${ARG_DEPENDS})
  set_property(GLOBAL APPEND PROPERTY BTK_LIBRARIES ${target})
endfunction()
