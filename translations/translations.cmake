# Translations of promdir's GUI strings (widgets/ and app/inspector/),
# compiled into Promdir::Widgets under :/i18n/promdir_<lang>.qm.
#
# Add a language: copy promdir_de.ts to promdir_<lang>.ts and set its
# language attribute, run `cmake --build <build> --target update_translations`
# to refresh it from the sources, translate it in Qt Linguist, rebuild.
#
# promdir_en.ts is the source language's: it holds only the plural forms
# ("1 file" / "2 files"), so it is refreshed with lupdate -pluralonly; a
# plain lupdate would fill it with every string marked unfinished.
function(promdir_add_translations target)
  file(GLOB ts_files ${PROJECT_SOURCE_DIR}/translations/promdir_*.ts)
  set(source_language_ts ${PROJECT_SOURCE_DIR}/translations/promdir_en.ts)
  set(translated_ts ${ts_files})
  list(REMOVE_ITEM translated_ts ${source_language_ts})
  file(GLOB sources
    ${PROJECT_SOURCE_DIR}/widgets/src/*.cpp ${PROJECT_SOURCE_DIR}/widgets/include/promdir/*.h
    ${PROJECT_SOURCE_DIR}/app/inspector/*.cpp ${PROJECT_SOURCE_DIR}/app/inspector/*.h)
  qt_add_lupdate(${target} TS_FILES ${translated_ts} SOURCES ${sources} OPTIONS -no-obsolete -locations none)
  # The project file ${target}_lupdate writes (include paths, so that
  # contexts keep their namespace), read again for the plural forms only.
  add_custom_target(${target}_lupdate_plurals
    COMMAND Qt6::lupdate -project ${CMAKE_CURRENT_BINARY_DIR}/.lupdate/${target}_project.json
            -pluralonly -no-obsolete -locations none -ts ${source_language_ts}
    VERBATIM)
  add_dependencies(${target}_lupdate_plurals ${target}_lupdate)
  add_dependencies(update_translations ${target}_lupdate_plurals)
  qt_add_lrelease(${target} TS_FILES ${ts_files} QM_FILES_OUTPUT_VARIABLE qm_files)
  qt_add_resources(${target} promdir_translations PREFIX /i18n BASE ${CMAKE_CURRENT_BINARY_DIR} FILES ${qm_files})
endfunction()
