# The writer's tests (issue 3); included from tests/core/CMakeLists.txt.
promdir_add_test(tst_writer SOURCES tst_writer.cpp dbbuilder.h LIBS Promdir::Core Qt6::Test)
promdir_add_test(tst_writer_threads SOURCES tst_writer_threads.cpp LIBS Promdir::Core Qt6::Test)
promdir_add_test(tst_writer_fork SOURCES tst_writer_fork.cpp LIBS Promdir::Core Qt6::Test)
promdir_add_test(tst_writer_demo SOURCES tst_writer_demo.cpp LIBS Promdir::Core Qt6::Test LABELS cli)
add_dependencies(tst_writer_demo promdir)
