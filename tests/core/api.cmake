# The public API's shapes (issue 13): Result<T> and problems' codes.
promdir_add_test(tst_result SOURCES tst_result.cpp LIBS Promdir::Core Qt6::Test)
promdir_add_test(tst_problems SOURCES tst_problems.cpp LIBS Promdir::Core Qt6::Test)
