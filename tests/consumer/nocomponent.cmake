# Run by ctest: a project asking the installed Promdir for a component it
# lacks must fail to configure with the package's own message.
#   -DSOURCE= -DWORK= -DCOMPONENT= -DMESSAGE=
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK}/nocomponent-${COMPONENT} -G Ninja
                  -DCMAKE_PREFIX_PATH=${WORK}/prefix -DPROMDIR_COMPONENT=${COMPONENT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "find_package(Promdir COMPONENTS ${COMPONENT}) succeeded")
endif()
string(REGEX REPLACE "[ \n]+" " " err "${err}")
string(FIND "${err}" "${MESSAGE}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "no '${MESSAGE}' in the error:\n${err}")
endif()
message(STATUS "find_package(Promdir COMPONENTS ${COMPONENT}) fails as it should")
