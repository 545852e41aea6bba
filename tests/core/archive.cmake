# Archives, pack, doctor, diff, mark-dead (issue 4).
promdir_add_test(tst_archive SOURCES tst_archive.cpp archivetestutil.h LIBS Promdir::Core Qt6::Test)
