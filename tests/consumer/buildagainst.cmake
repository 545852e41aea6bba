# Included by the consumer scripts: configures and builds a project outside
# promdir against the installed prefix (install.cmake), and checks that it
# found that prefix and not some other installed promdir.
#   promdir_build_against_prefix(WHAT SOURCE BUILD)   WORK and CXX as given to the script
function(promdir_build_against_prefix what source build)
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${source} -B ${build} -G Ninja
                    -DCMAKE_PREFIX_PATH=${WORK}/prefix -DCMAKE_CXX_COMPILER=${CXX}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "configuring ${what} against the installed Promdir failed: ${rc}")
  endif()
  file(STRINGS ${build}/CMakeCache.txt found REGEX "^Promdir_DIR:")
  string(FIND "${found}" "${WORK}/prefix/" at)
  if(NOT at GREATER -1)
    message(FATAL_ERROR "${what} found another Promdir: ${found}")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${build} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "building ${what} against the installed Promdir failed (in ${build}): ${rc}")
  endif()
endfunction()
