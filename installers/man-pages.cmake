# Writes the manual pages, gzipped (gzip -9n), from the programs' --help
# with help2man: promdir.1, one promdir-<command>.1 per command that
# `promdir --help` lists, and promdir-inspector.1. Run at build time
# (installers/debian.cmake), so the pages always say what the programs do.
#   cmake -DPROMDIR=<promdir> [-DINSPECTOR=<promdir-inspector>] -DOUT=<dir>
#         -DVERSION=<x.y.z> -DHELP2MAN=<help2man> -DGZIP=<gzip> -P man-pages.cmake
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT}/bin)

# help2man PROGRAM NAME DESCRIPTION [SEE_ALSO]: OUT/NAME.1.gz
function(page program name description)
  set(include ${OUT}/${name}.h2m)
  set(text "[AUTHOR]\nThe promdir authors.\n")
  if(ARGC GREATER 3)
    string(APPEND text "[SEE ALSO]\n${ARGV3}\n")
  endif()
  file(WRITE ${include} "${text}")
  # The inspector is a Qt GUI program: --help needs no display, but a platform.
  execute_process(COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen ${HELP2MAN} --no-info --no-discard-stderr --name=${description}
                    --version-string=${VERSION} --include=${include} --output=${OUT}/${name}.1 ${program}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "help2man ${name}: ${err}")
  endif()
  execute_process(COMMAND ${GZIP} -9nf ${OUT}/${name}.1 RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${name}.1 failed")
  endif()
  file(REMOVE ${include})
endfunction()

# The commands and their one-line descriptions, from the "Commands:" section.
execute_process(COMMAND ${PROMDIR} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROMDIR} --help failed")
endif()
string(REGEX REPLACE ".*\nCommands:\n" "" commands_text "${help}")
string(REGEX REPLACE "\n\n.*" "" commands_text "${commands_text}")
string(REPLACE "\n" ";" lines "${commands_text}")
set(see_also "")
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^  ([a-z-]+) +(.+)$")
    message(FATAL_ERROR "cannot read the command line '${line}' of promdir --help")
  endif()
  set(command ${CMAKE_MATCH_1})
  set(description ${CMAKE_MATCH_2})
  # A program named like the page, so that help2man titles it promdir-<command>.
  set(wrapper ${OUT}/bin/promdir-${command})
  file(WRITE ${wrapper} "#!/bin/sh\nexec '${PROMDIR}' ${command} \"$@\"\n")
  file(CHMOD ${wrapper} PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
  page(${wrapper} promdir-${command} "${description}" "promdir(1)")
  list(APPEND see_also "promdir-${command}(1)")
endforeach()
if(NOT see_also)
  message(FATAL_ERROR "promdir --help lists no command")
endif()
list(JOIN see_also ", " see_also)
page(${PROMDIR} promdir "inspect, merge and serve Prometheus Python multiprocess directories" "${see_also}")
if(INSPECTOR)
  page(${INSPECTOR} promdir-inspector "inspect Prometheus Python multiprocess directories (desktop)" "promdir(1)")
endif()
file(REMOVE_RECURSE ${OUT}/bin)
