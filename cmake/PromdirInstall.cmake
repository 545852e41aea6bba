# Install rules shared by the libraries (see cmake/PromdirConfig.cmake.in).
#
# Every library is one component of the Promdir package: its archive (or
# shared object, whatever the build makes), its public headers and an export
# file PromdirTargets-<Component>.cmake, so find_package(Promdir COMPONENTS
# Core) loads the core alone and never asks for Qt.
#
# Install components (for cmake --install --component and CPack):
#   runtime  the programs, the desktop file and icon
#   dev      libraries, headers, CMake package files
include_guard(GLOBAL)
include(GNUInstallDirs)

# The oldest libarchive the core is built with, asked for by the installed
# package and the promdir-dev package alike (3.3: zstd, GNU sparse 1.0).
set(PROMDIR_LIBARCHIVE_MIN_VERSION 3.3)

set(PROMDIR_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/Promdir
    CACHE STRING "Where the Promdir CMake package files are installed (relative to the prefix)")

# The components that were built, in dependency order; the package config
# learns from it which ones it can offer.
set_property(GLOBAL PROPERTY PROMDIR_INSTALLED_COMPONENTS "")

# promdir_install_library(<target> <Component> [EXTRA_TARGETS t...])
# EXTRA_TARGETS: targets the library's link interface needs exported with it
# (e.g. the object libraries Qt makes for a static library's resources).
function(promdir_install_library target component)
  cmake_parse_arguments(P "" "" "EXTRA_TARGETS" ${ARGN})
  install(TARGETS ${target} ${P_EXTRA_TARGETS} EXPORT Promdir${component}Targets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime
    # Object libraries (Qt resources) keep their objects under a folder of
    # their own, so two of them never overwrite each other's files.
    OBJECTS DESTINATION ${CMAKE_INSTALL_LIBDIR}/promdir-objects COMPONENT dev)
  get_target_property(source_dir ${target} SOURCE_DIR)
  install(DIRECTORY ${source_dir}/include/promdir DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    COMPONENT dev FILES_MATCHING PATTERN "*.h")
  install(EXPORT Promdir${component}Targets NAMESPACE Promdir::
    FILE PromdirTargets-${component}.cmake
    DESTINATION ${PROMDIR_INSTALL_CMAKEDIR} COMPONENT dev)
  set_property(GLOBAL APPEND PROPERTY PROMDIR_INSTALLED_COMPONENTS ${component})
endfunction()

# The package's config and version files; called once, after every library.
function(promdir_install_package)
  include(CMakePackageConfigHelpers)
  get_property(PROMDIR_COMPONENTS GLOBAL PROPERTY PROMDIR_INSTALLED_COMPONENTS)
  set(PROMDIR_QT_MIN_VERSION 6.4)
  set(PROMDIR_BOOST_MIN_VERSION 1.74)
  configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/PromdirConfig.cmake.in
    ${PROJECT_BINARY_DIR}/PromdirConfig.cmake
    INSTALL_DESTINATION ${PROMDIR_INSTALL_CMAKEDIR})
  # 0.x and 1.x are compatible within their major version only.
  write_basic_package_version_file(${PROJECT_BINARY_DIR}/PromdirConfigVersion.cmake
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
  install(FILES ${PROJECT_BINARY_DIR}/PromdirConfig.cmake ${PROJECT_BINARY_DIR}/PromdirConfigVersion.cmake
    DESTINATION ${PROMDIR_INSTALL_CMAKEDIR} COMPONENT dev)
endfunction()
