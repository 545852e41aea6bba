# An independent naive merge and renderer in the tests (issue 13), and the
# tests that hold promdir's merge and renderer against it and against rows
# of what the Python client prints. Included from tests/core/CMakeLists.txt.
add_library(promdir_referencemerge STATIC referencemerge.cpp referencemerge.h)
target_link_libraries(promdir_referencemerge PUBLIC Promdir::Core)
set_target_properties(promdir_referencemerge PROPERTIES AUTOMOC OFF)
promdir_add_test(tst_referencemerge SOURCES tst_referencemerge.cpp dbbuilder.h testutil.h
  LIBS promdir_referencemerge Promdir::Core Qt6::Test)
promdir_add_test(tst_rendertable SOURCES tst_rendertable.cpp LIBS promdir_referencemerge Promdir::Core Qt6::Test)
