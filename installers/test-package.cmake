# Run by ctest (label `package`): builds the Debian packages of this build
# with its CPackConfig.cmake and checks them with dpkg-deb: names, version,
# Depends (computed by dpkg-shlibdeps for the programs), the files each one
# must hold, that the packaged promdir runs, and that a project finds the
# packaged CMake package and renders a fixture with it.
#   -DCPACK= -DBUILD_DIR= -DWORK= -DVERSION= -DGUI=ON|OFF -DCXX= -DCONSUMER= -DFIXTURE=
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
set(runtime_files bin/promdir)
set(dev_depends libboost-iostreams-dev libarchive-dev)
set(dev_files include/promdir/engine/mergeengine.h include/promdir/render/render.h
  "lib[^ ]*/libpromdir_core\\.a" "lib[^ ]*/cmake/Promdir/PromdirConfig\\.cmake"
  "lib[^ ]*/cmake/Promdir/PromdirConfigVersion\\.cmake" "lib[^ ]*/cmake/Promdir/PromdirTargets-Core\\.cmake")
if(GUI)
  list(APPEND runtime_depends libqt6core6 libqt6widgets6 libqt6charts6 libqt6httpserver6)
  list(APPEND runtime_files bin/promdir-inspector
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
