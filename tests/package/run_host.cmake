# cmake -DMODE=find_package|add_subdirectory -DBTK_BUILD=... -DBTK_SOURCE=...
#       -DWORK=... -DHOST=... -DGENERATOR=... -P run_host.cmake
# Installs btk into WORK/prefix (find_package), then configures, builds and
# runs the host program; fails with the step's output on any error.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK}")
set(args -S "${HOST}" -B "${WORK}/build" -G "${GENERATOR}"
         -DBTK_HOST_MODE=${MODE})
if(MODE STREQUAL "find_package")
  run(${CMAKE_COMMAND} --install "${BTK_BUILD}" --prefix "${WORK}/prefix")
  list(APPEND args -DCMAKE_PREFIX_PATH=${WORK}/prefix
                   -DCMAKE_BUILD_TYPE=RelWithDebInfo)
else()
  # Optimisation and debug info off: this build only proves that btk's
  # targets work from another project, and -O0 halves its time.
  list(APPEND args -DBTK_SOURCE=${BTK_SOURCE} -DCMAKE_BUILD_TYPE=Debug
                   -DCMAKE_CXX_FLAGS_DEBUG=-O0 -DCMAKE_C_FLAGS_DEBUG=-O0)
endif()
run(${CMAKE_COMMAND} ${args})
run(${CMAKE_COMMAND} --build "${WORK}/build" --target host)
execute_process(COMMAND "${WORK}/build/host" "${WORK}/run"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "host exited with ${rc}")
endif()
file(REMOVE_RECURSE "${WORK}")
