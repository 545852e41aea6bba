# cmake -DSOURCE_DIR=<tree> [-DDOCS=HACKING.md,README.md,docs/cli.md] -P docpaths.cmake
#
# Every path the guides name stays true: each `quoted` path in them (one
# with a folder, like `read/reader.cpp`, or a file name with a source
# ending, like `tst_stress.cpp`) and each folder of their code blocks'
# layout (`lib/core/`) must be a file or folder of the tree, named whole
# or by its last parts (`read/reader.cpp` is lib/core/src/read/reader.cpp).
# Paths under build/, patterns (<target>, *) and placeholders (NAME/) are
# not checked.
cmake_minimum_required(VERSION 3.25)
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<tree> -P docpaths.cmake")
endif()
if(NOT DOCS)
  set(DOCS HACKING.md README.md)
endif()
string(REPLACE "," ";" DOCS "${DOCS}") # commas: a test's command line keeps them

# The tree's files and folders, without build trees and .git.
file(GLOB top LIST_DIRECTORIES true RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*" "${SOURCE_DIR}/.*")
set(tree "")
foreach(entry IN LISTS top)
  if(entry MATCHES "^(build|\\.git$|\\.$|\\.\\.$)")
    continue()
  endif()
  list(APPEND tree "${entry}")
  if(IS_DIRECTORY "${SOURCE_DIR}/${entry}")
    file(GLOB_RECURSE below LIST_DIRECTORIES true RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/${entry}/*")
    list(APPEND tree ${below})
  endif()
endforeach()
# One string, each path between newlines, to find a path by its last parts.
list(JOIN tree "\n" joined)
set(joined "\n${joined}\n")

set(missing "")
foreach(doc IN LISTS DOCS)
  file(READ "${SOURCE_DIR}/${doc}" text)
  # `path` anywhere, and the first word of code block lines that is a
  # folder ("lib/core/      Promdir::Core ...").
  string(REGEX MATCHALL "`[^`\n]+`" quoted "${text}")
  string(REGEX MATCHALL "\n *[a-z][a-z0-9_./-]*/ " layout "${text}")
  foreach(raw IN LISTS quoted layout)
    string(REGEX REPLACE "^[`\n ]+|[` ]+$" "" path "${raw}")
    # (no lower-case letter: a placeholder such as NAME/)
    if(NOT path MATCHES "^[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)*/?$" OR path MATCHES "^build/"
       OR NOT path MATCHES "[a-z]")
      continue()
    endif()
    if(NOT path MATCHES "/" AND NOT path MATCHES "\\.(cpp|h|cmake|py|sh|in|ts|qrc|desktop)$")
      continue()
    endif()
    # (a media type such as text/plain is no path; .promdir-compaction/ and
    # its folders are made by `promdir compact` in a metrics directory)
    if(path MATCHES "^(text|application)/" OR path MATCHES "^\\.promdir-compaction"
       OR path MATCHES "^(staged|new|committed)/?$")
      continue()
    endif()
    string(REGEX REPLACE "/$" "" path "${path}")
    string(FIND "${joined}" "\n${path}\n" whole)
    string(FIND "${joined}" "/${path}\n" tail)
    if(whole EQUAL -1 AND tail EQUAL -1)
      list(APPEND missing "${doc}: ${path}")
    endif()
  endforeach()
endforeach()

if(missing)
  list(REMOVE_DUPLICATES missing)
  list(JOIN missing "\n  " lines)
  message(FATAL_ERROR "paths named in the guides that are not in the tree:\n  ${lines}")
endif()
message(STATUS "every path named in ${DOCS} exists")
