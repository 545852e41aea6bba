# Compaction (issue 15); included from tests/core/CMakeLists.txt.
promdir_add_test(tst_compact SOURCES tst_compact.cpp compacttestutil.h dbbuilder.h openwatch.h LIBS Promdir::Core Qt6::Test)
promdir_add_test(tst_compact_cli SOURCES tst_compact_cli.cpp compacttestutil.h dbbuilder.h LIBS Promdir::Core Qt6::Test LABELS cli)
add_dependencies(tst_compact_cli promdir)
