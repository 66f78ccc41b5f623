# cmake -DBTK_BUILD=... -DWORK=... -P run_cpack.cmake
# Packs the build as a .deb in WORK and checks what it holds.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
execute_process(COMMAND cpack -G DEB --config "${BTK_BUILD}/CPackConfig.cmake"
                        -B "${WORK}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cpack failed (${rc}):\n${out}")
endif()
file(GLOB debs "${WORK}/btk_*_amd64.deb" "${WORK}/btk_*.deb")
list(LENGTH debs n)
if(n EQUAL 0)
  message(FATAL_ERROR "cpack made no btk_*.deb in ${WORK}:\n${out}")
endif()
list(GET debs 0 deb)
execute_process(COMMAND dpkg-deb --contents "${deb}" OUTPUT_VARIABLE contents
                RESULT_VARIABLE rc)
execute_process(COMMAND dpkg-deb --field "${deb}" Package Version Depends
                OUTPUT_VARIABLE fields)
foreach(want "./usr/bin/btk" "./usr/lib/libbtk_api.a"
             "./usr/lib/cmake/btk/btkConfig.cmake"
             "./usr/include/btk/runtime/api/runs.hpp"
             "./usr/include/btk/messages/candles.capnp.h")
  string(FIND "${contents}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${deb} lacks ${want}:\n${contents}")
  endif()
endforeach()
foreach(unwanted "engine_impl.hpp" "runtime/cli/" "libbtk_cli")
  string(FIND "${contents}" "${unwanted}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "${deb} holds ${unwanted}, which is not for hosts")
  endif()
endforeach()
message("${deb}:\n${fields}")
file(REMOVE_RECURSE "${WORK}")
