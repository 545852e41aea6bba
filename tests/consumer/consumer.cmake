# Run by ctest: configures and builds one consumer project against the
# installed prefix (install.cmake), runs it on a copy of a fixture directory
# and compares its output with the Python client's rendering.
#   -DNAME= -DSOURCE= -DWORK= -DFIXTURE= -DCXX= [-DCOMPARE=exact|samples]
set(build ${WORK}/${NAME})
file(REMOVE_RECURSE ${build})
# The consumer's own data: a copy, so nothing can touch tests/data.
file(COPY ${FIXTURE}/metrics DESTINATION ${build}/data)
include(${CMAKE_CURRENT_LIST_DIR}/buildagainst.cmake)
promdir_build_against_prefix("the consumer ${NAME}" ${SOURCE} ${build}/build)
execute_process(COMMAND ${build}/build/consumer ${build}/data/metrics
                OUTPUT_VARIABLE out RESULT_VARIABLE rc TIMEOUT 60)
file(READ ${FIXTURE}/expected-current.prom expected)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the consumer ${NAME} failed (exit ${rc}); it printed:\n${out}")
endif()
if(COMPARE STREQUAL "samples")
  # The sample lines alone, in the same order (a model has no HELP/TYPE lines).
  string(REGEX REPLACE "\n#[^\n]*" "" expected "\n${expected}")
  string(REGEX REPLACE "^\n" "" expected "${expected}")
endif()
if(NOT out STREQUAL expected)
  file(WRITE ${build}/output.txt "${out}")
  message(FATAL_ERROR "the consumer ${NAME}'s output (${build}/output.txt) differs from ${FIXTURE}/expected-current.prom")
endif()
message(STATUS "the consumer ${NAME}, built against the installed Promdir, gives the Python client's rendering")
