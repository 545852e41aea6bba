# Archives, pack, doctor, diff, mark-dead (issue 4).
promdir_add_test(tst_archive SOURCES tst_archive.cpp testutil.h LIBS Promdir::Core Qt6::Test)
promdir_add_test(tst_doctor SOURCES tst_doctor.cpp testutil.h dbbuilder.h LIBS Promdir::Core Qt6::Test)
promdir_add_test(tst_cli_archive SOURCES tst_cli_archive.cpp testutil.h dbbuilder.h LIBS Promdir::Core Qt6::Test LABELS cli)
add_dependencies(tst_cli_archive promdir)
