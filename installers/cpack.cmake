# CPack: Debian packages, one per install component (cmake/PromdirInstall.cmake).
#
#   promdir       the programs (promdir, promdir-inspector when the GUI is
#                 built), the inspector's desktop file, icon and metainfo
#   promdir-dev   the libraries, headers and the CMake package Promdir
#
# Build them with scripts/package (installers/README.md), or by hand from a
# configured build: cpack --config <build>/CPackConfig.cmake -B <outdir>
#
# Included last by the top-level CMakeLists.txt, after every install().

# Copyright, changelog, manual pages, the systemd unit (debian.cmake).
include(${CMAKE_CURRENT_LIST_DIR}/debian.cmake)

set(CPACK_PACKAGE_NAME promdir)
set(CPACK_PACKAGE_VENDOR "promdir")
set(CPACK_PACKAGE_CONTACT "promdir maintainers <promdir@users.noreply.github.com>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Empty on purpose: CPack's Debian generator would put it in front of every
# component's description; each one starts with its own synopsis line instead.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/promdir/promdir")
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_GENERATOR DEB)
# Programs lose their debug info in the package (static archives keep their
# symbols: install/strip leaves them alone).
set(CPACK_STRIP_FILES ON)

set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_COMPONENT_RUNTIME_DISPLAY_NAME "promdir programs")
set(CPACK_COMPONENT_DEV_DISPLAY_NAME "promdir libraries and headers")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
  "${PROJECT_DESCRIPTION}
promdir reads the *.db files a prometheus_client application writes to its
PROMETHEUS_MULTIPROC_DIR, merges them as the Python client does and renders,
serves (/metrics), diffs, packs and checks them. promdir-inspector shows
what every process contributes.")
set(CPACK_COMPONENT_DEV_DESCRIPTION
  "C++/Qt libraries for Prometheus multiprocess directories (development files)
The Promdir C++20 libraries, static: Core (reading, merging, rendering,
archives; no Qt), Qt (watching a directory), Exporter (/metrics with Qt
HttpServer) and Widgets (the inspector's models and views), with headers and
the CMake package: find_package(Promdir COMPONENTS Core ...).")

# Debian.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)               # promdir_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${CPACK_PACKAGE_HOMEPAGE_URL}")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# Depends of the programs: what dpkg-shlibdeps finds they link (Qt, Boost,
# libarchive, libc).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME promdir)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION utils)
if(PROMDIR_BUILD_GUI)
  # The inspector's icons are SVG: Qt loads them through the svg plugin,
  # which no ELF file links, so dpkg-shlibdeps cannot find it.
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "libqt6svg6, qt6-qpa-plugins")
endif()
# The static libraries carry no dependency dpkg-shlibdeps could see: their
# users need the -dev packages of what the headers and libraries use.
set(CPACK_DEBIAN_DEV_PACKAGE_NAME promdir-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(promdir_dev_depends "libboost-iostreams-dev (>= 1.74), libarchive-dev (>= ${PROMDIR_LIBARCHIVE_MIN_VERSION}), zlib1g-dev")
if(PROMDIR_BUILD_GUI)
  string(APPEND promdir_dev_depends
    ", qt6-base-dev (>= 6.4), qt6-httpserver-dev (>= 6.4), qt6-websockets-dev (>= 6.4), qt6-charts-dev (>= 6.4)")
endif()
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "${promdir_dev_depends}")
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)

include(CPack)

# ctest -L package: build the packages of this build and check them.
if(PROMDIR_BUILD_TESTS AND BUILD_TESTING)
  find_program(PROMDIR_LINTIAN lintian)
  add_test(NAME package_deb
    COMMAND ${CMAKE_COMMAND} -DCPACK=${CMAKE_CPACK_COMMAND} -DBUILD_DIR=${PROJECT_BINARY_DIR}
      -DWORK=${PROJECT_BINARY_DIR}/installers/test-package -DVERSION=${PROJECT_VERSION}
      -DGUI=${PROMDIR_BUILD_GUI} -DCXX=${CMAKE_CXX_COMPILER}
      -DCONSUMER=${PROJECT_SOURCE_DIR}/tests/consumer/core
      -DFIXTURE=${PROJECT_SOURCE_DIR}/tests/data/client_python/current
      -DLINTIAN=${PROMDIR_LINTIAN} -DALLOWED=${CMAKE_CURRENT_LIST_DIR}/debian/lintian-allowed
      -P ${PROJECT_SOURCE_DIR}/installers/test-package.cmake)
  set_tests_properties(package_deb PROPERTIES LABELS package)
endif()
