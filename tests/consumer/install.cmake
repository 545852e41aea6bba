# Run by ctest (fixture of the consumer_* tests): installs the build into a
# scratch prefix and moves it, so the consumers also prove the package is
# relocatable. Checks what was installed.
#   -DBUILD_DIR= -DWORK= -DGUI=ON|OFF -DSOURCE_DIR=
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK}/staged
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
file(RENAME ${WORK}/staged ${WORK}/prefix)

file(GLOB_RECURSE config_files ${WORK}/prefix/*/Promdir*.cmake)
set(components Core)
set(expected
  bin/promdir
  include/promdir/engine/mergeengine.h
  @LIBDIR@/libpromdir_core.a
  @CMAKEDIR@/PromdirConfig.cmake
  @CMAKEDIR@/PromdirConfigVersion.cmake
  @CMAKEDIR@/PromdirTargets-Core.cmake)
if(GUI)
  list(APPEND components Qt Exporter Widgets)
  list(APPEND expected
    bin/promdir-inspector
    include/promdir/snapshot.h include/promdir/exporter.h include/promdir/metricsmodel.h
    @LIBDIR@/libpromdir_qt.a @LIBDIR@/libpromdir_exporter.a @LIBDIR@/libpromdir_widgets.a
    @CMAKEDIR@/PromdirTargets-Qt.cmake @CMAKEDIR@/PromdirTargets-Exporter.cmake
    @CMAKEDIR@/PromdirTargets-Widgets.cmake
    share/applications/io.github.promdir.Inspector.desktop
    share/icons/hicolor/scalable/apps/io.github.promdir.Inspector.svg)
endif()
list(GET config_files 0 first)
get_filename_component(cmakedir ${first} DIRECTORY)
file(RELATIVE_PATH cmakedir ${WORK}/prefix ${cmakedir})
get_filename_component(libdir ${cmakedir} DIRECTORY)
get_filename_component(libdir ${libdir} DIRECTORY)
foreach(f IN LISTS expected)
  string(REPLACE "@LIBDIR@" "${libdir}" f "${f}")
  string(REPLACE "@CMAKEDIR@" "${cmakedir}" f "${f}")
  if(NOT EXISTS ${WORK}/prefix/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
# No source, build or install path may be written into the package files:
# they must work wherever the prefix is moved to.
foreach(f IN LISTS config_files)
  file(READ ${f} text)
  foreach(path ${BUILD_DIR} ${SOURCE_DIR} ${WORK})
    string(FIND "${text}" "${path}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${f} names ${path}: not relocatable")
    endif()
  endforeach()
endforeach()
message(STATUS "installed and moved to ${WORK}/prefix: components ${components}")
