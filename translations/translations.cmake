# Translations of promdir's GUI strings (widgets/ and app/inspector/),
# compiled into Promdir::Widgets under :/i18n/promdir_<lang>.qm.
#
# Add a language: copy promdir_de.ts to promdir_<lang>.ts and set its
# language attribute, run `cmake --build <build> --target update_translations`
# to refresh it from the sources, translate it in Qt Linguist, rebuild.
function(promdir_add_translations target)
  file(GLOB ts_files ${PROJECT_SOURCE_DIR}/translations/promdir_*.ts)
  file(GLOB sources
    ${PROJECT_SOURCE_DIR}/widgets/src/*.cpp ${PROJECT_SOURCE_DIR}/widgets/include/promdir/*.h
    ${PROJECT_SOURCE_DIR}/app/inspector/*.cpp ${PROJECT_SOURCE_DIR}/app/inspector/*.h)
  qt_add_lupdate(${target} TS_FILES ${ts_files} SOURCES ${sources} OPTIONS -no-obsolete -locations none)
  qt_add_lrelease(${target} TS_FILES ${ts_files} QM_FILES_OUTPUT_VARIABLE qm_files)
  qt_add_resources(${target} promdir_translations PREFIX /i18n BASE ${CMAKE_CURRENT_BINARY_DIR} FILES ${qm_files})
endfunction()
