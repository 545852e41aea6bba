<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>promdir::CompactDialog</name>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n dead process(es)</source>
        <translation>
            <numerusform>%n dead process</numerusform>
            <numerusform>%n dead processes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n compacted file(s)</source>
        <translation>
            <numerusform>%n compacted file</numerusform>
            <numerusform>%n compacted files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&amp;Compact %n File(s)</source>
        <translation>
            <numerusform>&amp;Compact %n File</numerusform>
            <numerusform>&amp;Compact %n Files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Put back the files of %n process(es) found running again.</source>
        <translation>
            <numerusform>Put back the files of %n process found running again.</numerusform>
            <numerusform>Put back the files of %n processes found running again.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>promdir::ExporterControl</name>
    <message numerus="yes">
        <source>%n request(s)</source>
        <translation>
            <numerusform>%n request</numerusform>
            <numerusform>%n requests</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>promdir::FilesModel</name>
    <message numerus="yes">
        <source>%n problem(s): %1</source>
        <translation>
            <numerusform>%n problem: %1</numerusform>
            <numerusform>%n problems: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>promdir::FilesView</name>
    <message numerus="yes">
        <source>%n member(s) not read (links, devices, unsafe names)</source>
        <translation>
            <numerusform>%n member not read (links, devices, unsafe names)</numerusform>
            <numerusform>%n members not read (links, devices, unsafe names)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Folder read: %1 (chosen among %n folders holding *.db files)</source>
        <translation>
            <numerusform>Folder read: %1 (chosen among %n folder holding *.db files)</numerusform>
            <numerusform>Folder read: %1 (chosen among %n folders holding *.db files)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Archive: %1 compression, %n member(s), %2 uncompressed</source>
        <translation>
            <numerusform>Archive: %1 compression, %n member, %2 uncompressed</numerusform>
            <numerusform>Archive: %1 compression, %n members, %2 uncompressed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n entries</source>
        <translation>
            <numerusform>%1: %n entry</numerusform>
            <numerusform>%1: %n entries</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>promdir::GaugeModesModel</name>
    <message numerus="yes">
        <source>Mode %1 folds %n per-pid value(s) into one series per label set.</source>
        <translation>
            <numerusform>Mode %1 folds %n per-pid value into one series per label set.</numerusform>
            <numerusform>Mode %1 folds %n per-pid values into one series per label set.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… %n more</source>
        <translation>
            <numerusform>… %n more</numerusform>
            <numerusform>… %n more</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>promdir::MainWindow</name>
    <message numerus="yes">
        <source>%n problem(s) found while reading; everything readable is shown. First: %1</source>
        <translation>
            <numerusform>%n problem found while reading; everything readable is shown. First: %1</numerusform>
            <numerusform>%n problems found while reading; everything readable is shown. First: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s) found while reading; everything readable is shown.</source>
        <translation>
            <numerusform>%n problem found while reading; everything readable is shown.</numerusform>
            <numerusform>%n problems found while reading; everything readable is shown.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pid(s), %1 dead</source>
        <translation>
            <numerusform>%n pid, %1 dead</numerusform>
            <numerusform>%n pids, %1 dead</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pid(s)</source>
        <translation>
            <numerusform>%n pid</numerusform>
            <numerusform>%n pids</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s)</source>
        <translation>
            <numerusform>%n problem</numerusform>
            <numerusform>%n problems</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n stale file(s)</source>
        <translation>
            <numerusform>%n stale file</numerusform>
            <numerusform>%n stale files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>promdir::SeriesChartView</name>
    <message numerus="yes">
        <source>others (%n pid(s))</source>
        <translation>
            <numerusform>others (%n pid)</numerusform>
            <numerusform>others (%n pids)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Lines for the %n pid(s) with the highest rates, running ones first; the other %1 are summed in the “others” line above. The table lists every pid.</source>
        <translation>
            <numerusform>A line for the pid with the highest rate, running ones first; the other %1 are summed in the “others” line above. The table lists every pid.</numerusform>
            <numerusform>Lines for the %n pids with the highest rates, running ones first; the other %1 are summed in the “others” line above. The table lists every pid.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Lines for the %n pid(s) with the highest values, running ones first; the other %1 are summed in the “others” line above. The table lists every pid.</source>
        <translation>
            <numerusform>A line for the pid with the highest value, running ones first; the other %1 are summed in the “others” line above. The table lists every pid.</numerusform>
            <numerusform>Lines for the %n pids with the highest values, running ones first; the other %1 are summed in the “others” line above. The table lists every pid.</numerusform>
        </translation>
    </message>
</context>
</TS>
