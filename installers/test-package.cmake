# Run by ctest (label `package`): builds the Debian packages of this build
# with its CPackConfig.cmake and checks them with dpkg-deb: names, version,
# Depends (computed by dpkg-shlibdeps for the programs), the files each one
# must hold, that the packaged promdir runs, and that a project finds the
# packaged CMake package and renders a fixture with it.
# Also: the copyright, changelog, manual pages and systemd unit, and
# lintian's verdict on both packages.
#   -DCPACK= -DBUILD_DIR= -DWORK= -DVERSION= -DGUI=ON|OFF -DCXX= -DCONSUMER= -DFIXTURE=
#   -DLINTIAN= -DALLOWED=
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
# gzip instead of the packages' xz: the test build's archives carry debug
# info (100+ MB), which xz needs minutes for.
execute_process(COMMAND ${CPACK} --config ${BUILD_DIR}/CPackConfig.cmake -B ${WORK}
                  -D CPACK_DEBIAN_COMPRESSION_TYPE=gzip
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cpack failed (${rc}):\n${out}")
endif()
execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE arch OUTPUT_STRIP_TRAILING_WHITESPACE)

function(field deb name out)
  execute_process(COMMAND dpkg-deb -f ${deb} ${name} OUTPUT_VARIABLE value RESULT_VARIABLE rc
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "dpkg-deb -f ${deb} ${name} failed")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# check(<package> <Depends must mention...> FILES <path regex>...)
function(check package)
  cmake_parse_arguments(C "" "" "DEPENDS;FILES" ${ARGN})
  set(deb ${WORK}/${package}_${VERSION}-1_${arch}.deb)
  if(NOT EXISTS ${deb})
    file(GLOB made ${WORK}/*.deb)
    message(FATAL_ERROR "no ${deb}; cpack made: ${made}")
  endif()
  field(${deb} Package name)
  field(${deb} Version version)
  field(${deb} Architecture architecture)
  field(${deb} Depends depends)
  if(NOT name STREQUAL package OR NOT version STREQUAL "${VERSION}-1" OR NOT architecture STREQUAL arch)
    message(FATAL_ERROR "${deb}: Package '${name}', Version '${version}', Architecture '${architecture}'")
  endif()
  if(depends STREQUAL "")
    message(FATAL_ERROR "${deb}: no Depends")
  endif()
  foreach(d IN LISTS C_DEPENDS)
    if(NOT depends MATCHES "(^|, )${d}( |,|$)")
      message(FATAL_ERROR "${deb}: Depends '${depends}' lacks ${d}")
    endif()
  endforeach()
  execute_process(COMMAND dpkg-deb -c ${deb} OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "dpkg-deb -c ${deb} failed")
  endif()
  foreach(f IN LISTS C_FILES)
    if(NOT listing MATCHES " \\./usr/${f}\n")
      message(FATAL_ERROR "${deb} has no /usr/${f}:\n${listing}")
    endif()
  endforeach()
  message(STATUS "${package} ${version} (${arch}): Depends: ${depends}")
endfunction()

set(runtime_depends libc6 libstdc\\+\\+6 libboost-iostreams1\\.74\\.0 libarchive13)
# Besides the programs: what Debian asks of every package (copyright,
# changelog, manual pages; the pages of every command are checked below).
set(runtime_files bin/promdir share/doc/promdir/copyright share/doc/promdir/changelog\\.Debian\\.gz
  share/man/man1/promdir\\.1\\.gz)
set(dev_depends libboost-iostreams-dev libarchive-dev)
set(dev_files include/promdir/engine/mergeengine.h include/promdir/render/render.h
  "lib[^ ]*/libpromdir_core\\.a" "lib[^ ]*/cmake/Promdir/PromdirConfig\\.cmake"
  "lib[^ ]*/cmake/Promdir/PromdirConfigVersion\\.cmake" "lib[^ ]*/cmake/Promdir/PromdirTargets-Core\\.cmake"
  share/doc/promdir-dev/copyright share/doc/promdir-dev/changelog\\.Debian\\.gz)
if(GUI)
  list(APPEND runtime_depends libqt6core6 libqt6widgets6 libqt6charts6 libqt6httpserver6)
  list(APPEND runtime_files bin/promdir-inspector share/man/man1/promdir-inspector\\.1\\.gz
    share/applications/io\\.github\\.promdir\\.Inspector\\.desktop
    share/icons/hicolor/scalable/apps/io\\.github\\.promdir\\.Inspector\\.svg
    share/metainfo/io\\.github\\.promdir\\.Inspector\\.metainfo\\.xml)
  list(APPEND dev_depends qt6-base-dev qt6-httpserver-dev qt6-charts-dev)
  list(APPEND dev_files include/promdir/exporter.h include/promdir/snapshot.h include/promdir/metricsmodel.h
    "lib[^ ]*/libpromdir_qt\\.a" "lib[^ ]*/libpromdir_exporter\\.a" "lib[^ ]*/libpromdir_widgets\\.a"
    "lib[^ ]*/cmake/Promdir/PromdirTargets-Widgets\\.cmake")
endif()
if(GUI) # with the exporter: the alerting rules for `serve --self-metrics`
  list(APPEND runtime_files share/promdir/promdir-alerts\\.yml)
endif()
check(promdir DEPENDS ${runtime_depends} FILES ${runtime_files})
check(promdir-dev DEPENDS ${dev_depends} FILES ${dev_files})

# The packaged program runs and is this version.
set(deb ${WORK}/promdir_${VERSION}-1_${arch}.deb)
execute_process(COMMAND dpkg-deb -x ${deb} ${WORK}/root RESULT_VARIABLE rc)
execute_process(COMMAND ${WORK}/root/usr/bin/promdir --version OUTPUT_VARIABLE out RESULT_VARIABLE rc2)
if(NOT rc EQUAL 0 OR NOT rc2 EQUAL 0 OR NOT out STREQUAL "promdir ${VERSION}\n")
  message(FATAL_ERROR "the packaged promdir --version says '${out}' (exit ${rc2})")
endif()
# Stripped: the package carries no debug info.
execute_process(COMMAND readelf -S ${WORK}/root/usr/bin/promdir OUTPUT_VARIABLE sections)
if(sections MATCHES "\\.debug_info")
  message(FATAL_ERROR "the packaged promdir is not stripped")
endif()

# A manual page for every command the packaged promdir lists, and the
# systemd unit.
execute_process(COMMAND dpkg-deb -c ${deb} OUTPUT_VARIABLE listing)
execute_process(COMMAND ${WORK}/root/usr/bin/promdir --help OUTPUT_VARIABLE help)
string(REGEX MATCHALL "\n  [a-z-]+  " commands "${help}")
list(LENGTH commands count)
if(count LESS 8)
  message(FATAL_ERROR "promdir --help lists ${count} commands:\n${help}")
endif()
foreach(c IN LISTS commands)
  string(STRIP "${c}" c)
  if(NOT listing MATCHES " \\./usr/share/man/man1/promdir-${c}\\.1\\.gz\n")
    message(FATAL_ERROR "no manual page for promdir ${c}:\n${listing}")
  endif()
endforeach()
if(NOT listing MATCHES " \\./usr/lib/systemd/system/promdir\\.service\n")
  message(FATAL_ERROR "no /usr/lib/systemd/system/promdir.service:\n${listing}")
endif()
message(STATUS "promdir: ${count} commands, each with its manual page; the systemd unit")

# lintian: no error, and only the warnings installers/debian/lintian-allowed
# lists with a reason.
if(LINTIAN)
  file(STRINGS ${ALLOWED} allowed REGEX "^[a-z0-9-]+ ")
  list(TRANSFORM allowed REPLACE " .*" "")
  execute_process(COMMAND ${LINTIAN} --no-cfg --display-level ">=warning" --tag-display-limit 0
                    ${WORK}/promdir_${VERSION}-1_${arch}.deb ${WORK}/promdir-dev_${VERSION}-1_${arch}.deb
                  OUTPUT_VARIABLE said ERROR_VARIABLE lintian_err RESULT_VARIABLE rc)
  string(REPLACE "\n" ";" said_lines "${said}")
  set(unexplained "")
  foreach(line IN LISTS said_lines)
    if(line MATCHES "^E: ")
      string(APPEND unexplained "${line}\n")
    elseif(line MATCHES "^W: [^:]+: ([a-z0-9-]+)")
      list(FIND allowed "${CMAKE_MATCH_1}" at)
      if(at EQUAL -1)
        string(APPEND unexplained "${line}\n")
      endif()
    endif()
  endforeach()
  if(NOT rc EQUAL 0 AND said STREQUAL "")
    message(FATAL_ERROR "lintian failed (${rc}): ${lintian_err}")
  endif()
  if(unexplained)
    message(FATAL_ERROR "lintian: errors or warnings without a reason in installers/debian/lintian-allowed:\n${unexplained}")
  endif()
  message(STATUS "lintian: no error, no unexplained warning\n${said}")
else()
  message(FATAL_ERROR "lintian is not installed (scripts/deps.sh)")
endif()

# The unpacked promdir-dev as a prefix: the core consumer of tests/consumer
# finds Promdir there (in the package's own lib directory) and renders the
# fixture as the Python client does.
execute_process(COMMAND dpkg-deb -x ${WORK}/promdir-dev_${VERSION}-1_${arch}.deb ${WORK}/root RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "dpkg-deb -x promdir-dev failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${CONSUMER} -B ${WORK}/consumer -G Ninja
                  -DCMAKE_PREFIX_PATH=${WORK}/root/usr -DCMAKE_CXX_COMPILER=${CXX}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "a project does not find the packaged Promdir:\n${out}")
endif()
file(STRINGS ${WORK}/consumer/CMakeCache.txt found REGEX "^Promdir_DIR:")
string(FIND "${found}" "${WORK}/root/usr/lib/" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the project found another Promdir: ${found}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/consumer RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building against the packaged Promdir failed:\n${out}")
endif()
execute_process(COMMAND ${WORK}/consumer/consumer ${FIXTURE}/metrics OUTPUT_VARIABLE out RESULT_VARIABLE rc)
file(READ ${FIXTURE}/expected-current.prom expected)
if(NOT rc EQUAL 0 OR NOT out STREQUAL expected)
  message(FATAL_ERROR "the consumer built against the packaged Promdir renders the fixture wrongly (exit ${rc})")
endif()
message(STATUS "a project built against the unpacked promdir-dev renders the fixture exactly")
