# Run by ctest: configures and builds one program of examples/ on its own,
# against the installed prefix (install.cmake), as a user who copied it out
# of the tree would; then, when it has a --help, runs it with --help.
#   -DNAME= -DSOURCE= -DWORK= -DCXX= -DPROGRAM= [-DRUN_HELP=ON]
set(build ${WORK}/example-${NAME})
file(REMOVE_RECURSE ${build})
include(${CMAKE_CURRENT_LIST_DIR}/buildagainst.cmake)
promdir_build_against_prefix("the example ${NAME}" ${SOURCE} ${build})
if(NOT RUN_HELP)
  message(STATUS "the example ${NAME} builds against the installed Promdir")
  return()
endif()
execute_process(COMMAND ${build}/${PROGRAM} --help OUTPUT_VARIABLE out ERROR_VARIABLE err
                RESULT_VARIABLE rc TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the example ${NAME} built outside the tree failed on --help (exit ${rc}):\n${out}${err}")
endif()
message(STATUS "the example ${NAME} builds and runs against the installed Promdir")
