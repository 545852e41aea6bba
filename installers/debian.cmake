# What the Debian packages carry besides the programs and libraries (lintian
# asks for them): per package /usr/share/doc/<package>/copyright and
# changelog.Debian.gz; in `promdir` the manual pages (help2man, at build
# time) and the systemd unit of installers/systemd. Included by cpack.cmake.
find_program(PROMDIR_HELP2MAN help2man)
find_program(PROMDIR_GZIP gzip REQUIRED)

set(promdir_debian_out ${PROJECT_BINARY_DIR}/installers/debian)
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/changelog.in ${promdir_debian_out}/changelog @ONLY)
add_custom_command(OUTPUT ${promdir_debian_out}/changelog.Debian.gz
  COMMAND ${PROMDIR_GZIP} -9n -c ${promdir_debian_out}/changelog > ${promdir_debian_out}/changelog.Debian.gz
  DEPENDS ${promdir_debian_out}/changelog VERBATIM)
set(promdir_debian_outputs ${promdir_debian_out}/changelog.Debian.gz)

foreach(component runtime dev)
  if(component STREQUAL "runtime")
    set(package promdir)
  else()
    set(package promdir-dev)
  endif()
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/copyright ${promdir_debian_out}/changelog.Debian.gz
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package} COMPONENT ${component})
endforeach()

# systemd reads /usr/lib/systemd/system on Debian 12 as well as /lib (the
# package's prefix is /usr; lintian 2.116 accepts either).
install(FILES ${CMAKE_CURRENT_LIST_DIR}/systemd/promdir.service DESTINATION lib/systemd/system COMPONENT runtime)

# Manual pages from --help: every command of promdir, and the inspector.
if(PROMDIR_HELP2MAN)
  set(promdir_man_args -DPROMDIR=$<TARGET_FILE:promdir> -DOUT=${promdir_debian_out}/man -DVERSION=${PROJECT_VERSION}
      -DHELP2MAN=${PROMDIR_HELP2MAN} -DGZIP=${PROMDIR_GZIP})
  set(promdir_man_depends promdir ${CMAKE_CURRENT_LIST_DIR}/man-pages.cmake)
  if(TARGET promdir-inspector)
    list(APPEND promdir_man_args -DINSPECTOR=$<TARGET_FILE:promdir-inspector>)
    list(APPEND promdir_man_depends promdir-inspector)
  endif()
  add_custom_command(OUTPUT ${promdir_debian_out}/man/promdir.1.gz
    COMMAND ${CMAKE_COMMAND} ${promdir_man_args} -P ${CMAKE_CURRENT_LIST_DIR}/man-pages.cmake
    DEPENDS ${promdir_man_depends} COMMENT "Manual pages (help2man)" VERBATIM)
  list(APPEND promdir_debian_outputs ${promdir_debian_out}/man/promdir.1.gz)
  install(DIRECTORY ${promdir_debian_out}/man/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime
          FILES_MATCHING PATTERN "*.1.gz")
else()
  message(STATUS "help2man not found: no manual pages (scripts/deps.sh installs it)")
endif()
add_custom_target(promdir_debian_files ALL DEPENDS ${promdir_debian_outputs})
