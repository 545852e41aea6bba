<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>main</name>
    <message>
        <source>Inspect a Prometheus Python client multiprocess directory or archive.</source>
        <translation>Ein Multiprozess-Verzeichnis oder Archiv des Prometheus-Python-Clients untersuchen.</translation>
    </message>
    <message>
        <source>Directory or archive to open (default: $PROMETHEUS_MULTIPROC_DIR).</source>
        <translation>Zu öffnendes Verzeichnis oder Archiv (Standard: $PROMETHEUS_MULTIPROC_DIR).</translation>
    </message>
    <message>
        <source>Save a PNG of the window and exit.</source>
        <translation>Ein PNG des Fensters speichern und beenden.</translation>
    </message>
    <message>
        <source>With --screenshot: only this view (%1).</source>
        <translation>Mit --screenshot: nur diese Ansicht (%1).</translation>
    </message>
    <message>
        <source>With --screenshot: collect history for this many seconds first.</source>
        <translation>Mit --screenshot: zuerst so viele Sekunden Verlauf sammeln.</translation>
    </message>
    <message>
        <source>Language of the interface (e.g. de).</source>
        <translation>Sprache der Oberfläche (z. B. de).</translation>
    </message>
    <message>
        <source>promdir-inspector: --screenshot needs a PATH</source>
        <translation>promdir-inspector: --screenshot braucht einen PFAD</translation>
    </message>
    <message>
        <source>promdir-inspector: unknown view %1 (one of: %2)</source>
        <translation>promdir-inspector: unbekannte Ansicht %1 (eine von: %2)</translation>
    </message>
    <message>
        <source>promdir-inspector: could not make the screenshot (%1)</source>
        <translation>promdir-inspector: Bildschirmfoto konnte nicht erstellt werden (%1)</translation>
    </message>
    <message>
        <source>promdir inspector</source>
        <translation>promdir Inspektor</translation>
    </message>
    <message>
        <source>Whether the writers&apos; pids are this pid namespace&apos;s: auto, shared or separate (containers: liveness is not checked).</source>
        <translation>Ob die PIDs der Schreiber die dieses PID-Namensraums sind: auto, shared oder separate (Container: Lebendigkeit wird nicht geprüft).</translation>
    </message>
    <message>
        <source>promdir-inspector: --pid-namespace is auto, shared or separate</source>
        <translation>promdir-inspector: --pid-namespace ist auto, shared oder separate</translation>
    </message>
    <message>
        <source>Show counters in the per-pid chart as a rate per second over this many seconds: 30, 60 or 300 (0: the value).</source>
        <translation>Zähler im PID-Diagramm als Rate pro Sekunde über so viele Sekunden zeigen: 30, 60 oder 300 (0: den Wert).</translation>
    </message>
    <message>
        <source>Lines in the per-pid chart: the 5, 10, 20 or 50 pids with the highest values, or all.</source>
        <translation>Linien im PID-Diagramm: die 5, 10, 20 oder 50 PIDs mit den höchsten Werten, oder alle.</translation>
    </message>
    <message>
        <source>promdir-inspector: --rate is 0, 30, 60 or 300</source>
        <translation>promdir-inspector: --rate ist 0, 30, 60 oder 300</translation>
    </message>
    <message>
        <source>promdir-inspector: --top is 5, 10, 20, 50 or all</source>
        <translation>promdir-inspector: --top ist 5, 10, 20, 50 oder all</translation>
    </message>
</context>
<context>
    <name>promdir::Banner</name>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>promdir::CompactDialog</name>
    <message>
        <source>fold</source>
        <translation>falten</translation>
    </message>
    <message>
        <source>folded</source>
        <translation>gefaltet</translation>
    </message>
    <message>
        <source>remove</source>
        <translation>entfernen</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>entfernt</translation>
    </message>
    <message>
        <source>keep</source>
        <translation>behalten</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>behalten</translation>
    </message>
    <message>
        <source>&amp;Remove gauge_all files of dead processes (their series leave the output)</source>
        <translation>gauge_all-Dateien toter Prozesse &amp;entfernen (ihre Reihen verschwinden aus der Ausgabe)</translation>
    </message>
    <message>
        <source>Assume a process is dead when none of its files &amp;changed for the grace period</source>
        <translation>Einen Prozess als tot annehmen, wenn sich keine seiner Dateien während der Karenzzeit &amp;geändert hat</translation>
    </message>
    <message>
        <source>&amp;Compact</source>
        <translation>&amp;Kompaktieren</translation>
    </message>
    <message>
        <source>Compact Dead Processes</source>
        <translation>Tote Prozesse kompaktieren</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>Stunden</translation>
    </message>
    <message>
        <source>days</source>
        <translation>Tage</translation>
    </message>
    <message>
        <source>A dead process&apos;s files are folded only when none of them changed for this long</source>
        <translation>Die Dateien eines toten Prozesses werden nur gefaltet, wenn sich so lange keine von ihnen geändert hat</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <source>Shared with the writers</source>
        <translation>Mit den Schreibern geteilt</translation>
    </message>
    <message>
        <source>Separate (containers)</source>
        <translation>Getrennt (Container)</translation>
    </message>
    <message>
        <source>Automatic: refused when no process of the directory runs here yet files changed within the grace period. Separate: refused unless processes are assumed dead when unchanged.</source>
        <translation>Automatisch: abgelehnt, wenn kein Prozess des Verzeichnisses hier läuft, aber sich Dateien innerhalb der Karenzzeit geändert haben. Getrennt: abgelehnt, außer Prozesse werden als tot angenommen, wenn unverändert.</translation>
    </message>
    <message>
        <source>For writers in another pid namespace, whose pids cannot be checked from here: choose a grace period far longer than any worker stays idle</source>
        <translation>Für Schreiber in einem anderen PID-Namensraum, deren PIDs von hier nicht geprüft werden können: eine Karenzzeit wählen, die weit länger ist, als ein Worker je untätig bleibt</translation>
    </message>
    <message>
        <source>gauge_all files are kept otherwise: their pid label is in the output</source>
        <translation>Sonst bleiben gauge_all-Dateien erhalten: ihr pid-Label steht in der Ausgabe</translation>
    </message>
    <message>
        <source>Directory:</source>
        <translation>Verzeichnis:</translation>
    </message>
    <message>
        <source>&amp;Grace period:</source>
        <translation>&amp;Karenzzeit:</translation>
    </message>
    <message>
        <source>&amp;Pid namespace:</source>
        <translation>&amp;PID-Namensraum:</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Pid</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Compacted file</source>
        <translation>Kompaktierte Datei</translation>
    </message>
    <message>
        <source>Files folded</source>
        <translation>Gefaltete Dateien</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>Reihen</translation>
    </message>
    <message>
        <source>promdir&apos;s readers wait for the moment of the swap. A scrape by the Python client at that moment can fail once or be inconsistent once; the next one is right.</source>
        <translation>Die Leser von promdir warten den Moment des Austauschs ab. Ein Scrape des Python-Clients in diesem Moment kann einmal fehlschlagen oder einmal inkonsistent sein; der nächste stimmt.</translation>
    </message>
    <message>
        <source>Computing the preview…</source>
        <translation>Vorschau wird berechnet…</translation>
    </message>
    <message>
        <source>Compacting… (a compaction cannot be stopped halfway)</source>
        <translation>Wird kompaktiert… (eine Kompaktierung kann nicht mittendrin angehalten werden)</translation>
    </message>
    <message>
        <source>The compaction did not finish.</source>
        <translation>Die Kompaktierung wurde nicht beendet.</translation>
    </message>
    <message>
        <source>No preview.</source>
        <translation>Keine Vorschau.</translation>
    </message>
    <message>
        <source>Nothing was compacted.</source>
        <translation>Nichts wurde kompaktiert.</translation>
    </message>
    <message>
        <source>Nothing to compact: no file of a dead process is ready to fold or remove.</source>
        <translation>Nichts zu kompaktieren: keine Datei eines toten Prozesses ist bereit zum Falten oder Entfernen.</translation>
    </message>
    <message>
        <source>Would fold or remove %1 of %2 into %3.</source>
        <translation>Würde %1 von %2 in %3 falten oder entfernen.</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n Datei</numerusform>
            <numerusform>%n Dateien</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n dead process(es)</source>
        <translation>
            <numerusform>%n totem Prozess</numerusform>
            <numerusform>%n toten Prozessen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n compacted file(s)</source>
        <translation>
            <numerusform>%n kompaktierte Datei</numerusform>
            <numerusform>%n kompaktierte Dateien</numerusform>
        </translation>
    </message>
    <message>
        <source>*.db files: %1 → %2; %3 → %4; %5 saved.</source>
        <translation>*.db-Dateien: %1 → %2; %3 → %4; %5 gespart.</translation>
    </message>
    <message>
        <source>Preview of %1</source>
        <translation>Vorschau von %1</translation>
    </message>
    <message numerus="yes">
        <source>&amp;Compact %n File(s)</source>
        <translation>
            <numerusform>%n Datei &amp;kompaktieren</numerusform>
            <numerusform>%n Dateien &amp;kompaktieren</numerusform>
        </translation>
    </message>
    <message>
        <source>Fold and remove the files listed, with these options</source>
        <translation>Die aufgeführten Dateien mit diesen Optionen falten und entfernen</translation>
    </message>
    <message>
        <source>There is nothing to compact with these options</source>
        <translation>Mit diesen Optionen gibt es nichts zu kompaktieren</translation>
    </message>
    <message>
        <source>Nothing was compacted: no file of a dead process was ready.</source>
        <translation>Nichts wurde kompaktiert: keine Datei eines toten Prozesses war bereit.</translation>
    </message>
    <message>
        <source>Compacted %1 of %2 into %3; %4 saved.</source>
        <translation>%1 von %2 in %3 kompaktiert; %4 gespart.</translation>
    </message>
    <message numerus="yes">
        <source>Put back the files of %n process(es) found running again.</source>
        <translation>
            <numerusform>Die Dateien von %n Prozess, der wieder läuft, wurden zurückgelegt.</numerusform>
            <numerusform>Die Dateien von %n Prozessen, die wieder laufen, wurden zurückgelegt.</numerusform>
        </translation>
    </message>
    <message>
        <source>The directory cannot be read.</source>
        <translation>Das Verzeichnis kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>Another compaction is running on this directory; try again when it is done.</source>
        <translation>Eine andere Kompaktierung läuft auf diesem Verzeichnis; bitte erneut versuchen, wenn sie fertig ist.</translation>
    </message>
    <message>
        <source>The writers&apos; processes cannot be checked from here (another pid namespace?); nothing was changed. If they run in a container, choose “Assume a process is dead when none of its files changed”.</source>
        <translation>Die Prozesse der Schreiber können von hier nicht geprüft werden (ein anderer PID-Namensraum?); nichts wurde geändert. Laufen sie in einem Container, „Einen Prozess als tot annehmen, wenn sich keine seiner Dateien geändert hat“ wählen.</translation>
    </message>
    <message>
        <source>Readers kept the directory locked; nothing was changed. Try again.</source>
        <translation>Leser hielten das Verzeichnis gesperrt; nichts wurde geändert. Bitte erneut versuchen.</translation>
    </message>
    <message>
        <source>A compacted file could not be written (disk full?); nothing was removed.</source>
        <translation>Eine kompaktierte Datei konnte nicht geschrieben werden (Datenträger voll?); nichts wurde entfernt.</translation>
    </message>
    <message>
        <source>A file could not be moved; what was moved was put back.</source>
        <translation>Eine Datei konnte nicht verschoben werden; was verschoben war, wurde zurückgelegt.</translation>
    </message>
    <message>
        <source>An interrupted compaction could not be finished or undone.</source>
        <translation>Eine unterbrochene Kompaktierung konnte weder beendet noch rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Refresh &amp;Preview</source>
        <translation>&amp;Vorschau aktualisieren</translation>
    </message>
    <message>
        <source>Read the directory again for the preview</source>
        <translation>Das Verzeichnis für die Vorschau erneut lesen</translation>
    </message>
    <message>
        <source>folded into %1</source>
        <translation>gefaltet in %1</translation>
    </message>
    <message>
        <source>earlier compacted contributions, folded in again</source>
        <translation>frühere kompaktierte Beiträge, erneut eingefaltet</translation>
    </message>
    <message>
        <source>empty: contributes nothing</source>
        <translation>leer: trägt nichts bei</translation>
    </message>
    <message>
        <source>gauge_all of a dead process: its series leave the output, as asked</source>
        <translation>gauge_all eines toten Prozesses: seine Reihen verschwinden wie gewünscht aus der Ausgabe</translation>
    </message>
    <message>
        <source>could not be read cleanly (%1): left as it is</source>
        <translation>konnte nicht sauber gelesen werden (%1): bleibt, wie sie ist</translation>
    </message>
    <message>
        <source>live gauge of a dead process: not compacted; Mark Dead in the Processes view removes it</source>
        <translation>Live-Gauge eines toten Prozesses: nicht kompaktiert; „Als tot markieren“ in der Ansicht „Prozesse“ entfernt sie</translation>
    </message>
    <message>
        <source>gauge_all: its pid label is in the output (the option above removes it)</source>
        <translation>gauge_all: ihr pid-Label steht in der Ausgabe (die Option oben entfernt sie)</translation>
    </message>
    <message>
        <source>family %1 is written in more than one kind of file: folding would change which rule merges it</source>
        <translation>Familie %1 wird in mehr als einer Art von Datei geschrieben: Falten würde ändern, welche Regel sie zusammenführt</translation>
    </message>
    <message>
        <source>whether process %1 runs cannot be known here</source>
        <translation>ob Prozess %1 läuft, kann hier nicht festgestellt werden</translation>
    </message>
    <message>
        <source>written %1 ago, within the grace period</source>
        <translation>vor %1 geschrieben, innerhalb der Karenzzeit</translation>
    </message>
    <message>
        <source>compacted contributions; nothing new of this kind to fold in</source>
        <translation>kompaktierte Beiträge; nichts Neues dieser Art zum Einfalten</translation>
    </message>
    <message>
        <source>earlier compacted file could not be read cleanly: its kind is not compacted</source>
        <translation>frühere kompaktierte Datei konnte nicht sauber gelesen werden: ihre Art wird nicht kompaktiert</translation>
    </message>
    <message>
        <source>its kind&apos;s earlier compacted file %1 could not be read</source>
        <translation>die frühere kompaktierte Datei ihrer Art, %1, konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>put back: its process runs again, or the file changed or is locked by a writer</source>
        <translation>zurückgelegt: ihr Prozess läuft wieder, oder die Datei hat sich geändert oder ist von einem Schreiber gesperrt</translation>
    </message>
</context>
<context>
    <name>promdir::DisplayFormat</name>
    <message>
        <source>%1 bytes</source>
        <translation>%1 Bytes</translation>
    </message>
</context>
<context>
    <name>promdir::EntriesModel</name>
    <message>
        <source>Key as stored: %1</source>
        <translation>Gespeicherter Schlüssel: %1</translation>
    </message>
    <message>
        <source>Offset</source>
        <translation>Offset</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>Metrik</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>Sample</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Timestamp</source>
        <translation>Zeitstempel</translation>
    </message>
</context>
<context>
    <name>promdir::ExporterControl</name>
    <message>
        <source>Serve /metrics</source>
        <translation>/metrics bereitstellen</translation>
    </message>
    <message>
        <source>Serve what the Exposition view shows at /metrics, as a Prometheus target</source>
        <translation>Den Inhalt der Ansicht „Exposition“ unter /metrics als Prometheus-Ziel bereitstellen</translation>
    </message>
    <message>
        <source>any free port</source>
        <translation>beliebiger freier Port</translation>
    </message>
    <message>
        <source>127.0.0.1 serves this machine only; 0.0.0.0 every network</source>
        <translation>127.0.0.1 nur für diesen Rechner; 0.0.0.0 für alle Netzwerke</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>&amp;Adresse:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <source>Click to copy the address</source>
        <translation>Klicken, um die Adresse zu kopieren</translation>
    </message>
    <message>
        <source>Requests served since the exporter started</source>
        <translation>Beantwortete Anfragen seit dem Start des Exporters</translation>
    </message>
    <message>
        <source>“%1” is not an IP address.</source>
        <translation>„%1“ ist keine IP-Adresse.</translation>
    </message>
    <message>
        <source>The exporter could not listen on %1:%2.</source>
        <translation>Der Exporter konnte nicht auf %1:%2 lauschen.</translation>
    </message>
    <message>
        <source>Copied %1</source>
        <translation>%1 kopiert</translation>
    </message>
    <message numerus="yes">
        <source>%n request(s)</source>
        <translation>
            <numerusform>%n Anfrage</numerusform>
            <numerusform>%n Anfragen</numerusform>
        </translation>
    </message>
    <message>
        <source>The exporter could not listen on %1:%2: %3</source>
        <translation>Der Exporter konnte nicht auf %1:%2 lauschen: %3</translation>
    </message>
</context>
<context>
    <name>promdir::ExpositionView</name>
    <message>
        <source>Prometheus text 0.0.4</source>
        <translation>Prometheus-Text 0.0.4</translation>
    </message>
    <message>
        <source>OpenMetrics 1.0.0</source>
        <translation>OpenMetrics 1.0.0</translation>
    </message>
    <message>
        <source>underscores (Prometheus 2)</source>
        <translation>Unterstriche (Prometheus 2)</translation>
    </message>
    <message>
        <source>UTF-8 (Prometheus 3)</source>
        <translation>UTF-8 (Prometheus 3)</translation>
    </message>
    <message>
        <source>dots</source>
        <translation>Punkte (dots)</translation>
    </message>
    <message>
        <source>values</source>
        <translation>Codepunkte (values)</translation>
    </message>
    <message>
        <source>&amp;Names:</source>
        <translation>&amp;Namen:</translation>
    </message>
    <message>
        <source>Find…</source>
        <translation>Suchen …</translation>
    </message>
    <message>
        <source>Nothing to show: no directory open, or no metrics in it.</source>
        <translation>Nichts anzuzeigen: kein Verzeichnis geöffnet oder keine Metriken darin.</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Vorherige</translation>
    </message>
    <message>
        <source>Find the previous match (Shift+F3)</source>
        <translation>Vorherigen Treffer suchen (Umschalt+F3)</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Nächste</translation>
    </message>
    <message>
        <source>Find the next match (F3)</source>
        <translation>Nächsten Treffer suchen (F3)</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the whole text</source>
        <translation>Den ganzen Text kopieren</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Speichern …</translation>
    </message>
    <message>
        <source>Save the text to a file</source>
        <translation>Den Text in eine Datei speichern</translation>
    </message>
    <message>
        <source>F&amp;ormat:</source>
        <translation>F&amp;ormat:</translation>
    </message>
    <message>
        <source>Wrapped</source>
        <translation>Vom Anfang fortgesetzt</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Nicht gefunden</translation>
    </message>
    <message>
        <source>Save Exposition</source>
        <translation>Exposition speichern</translation>
    </message>
    <message>
        <source>Metrics text (*.prom *.om *.txt);;All files (*)</source>
        <translation>Metrik-Text (*.prom *.om *.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>%1 konnte nicht gespeichert werden: %2</translation>
    </message>
</context>
<context>
    <name>promdir::FilesModel</name>
    <message>
        <source>live gauge of a dead pid</source>
        <translation>Live-Gauge einer toten PID</translation>
    </message>
    <message>
        <source>gauge of a dead pid</source>
        <translation>Gauge einer toten PID</translation>
    </message>
    <message>
        <source>not modified for long</source>
        <translation>lange nicht geändert</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s): %1</source>
        <translation>
            <numerusform>%n Problem: %1</numerusform>
            <numerusform>%n Probleme: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Stale: %1</source>
        <translation>Veraltet: %1</translation>
    </message>
    <message>
        <source>Modified %1</source>
        <translation>Geändert %1</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>Generation</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Belegt</translation>
    </message>
    <message>
        <source>Entries</source>
        <translation>Einträge</translation>
    </message>
    <message>
        <source>Stale</source>
        <translation>Veraltet</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
    <message>
        <source>Size %1, used %2</source>
        <translation>Größe %1, belegt %2</translation>
    </message>
</context>
<context>
    <name>promdir::FilesView</name>
    <message>
        <source>Filter files…</source>
        <translation>Dateien filtern …</translation>
    </message>
    <message>
        <source>No problems in this file.</source>
        <translation>Keine Probleme in dieser Datei.</translation>
    </message>
    <message>
        <source>Select a file to see its entries with their byte offsets.</source>
        <translation>Eine Datei auswählen, um ihre Einträge mit Byte-Offsets zu sehen.</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n entries</source>
        <translation>
            <numerusform>%1: %n Eintrag</numerusform>
            <numerusform>%1: %n Einträge</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Archive: %1 compression, %n member(s), %2 uncompressed</source>
        <translation>
            <numerusform>Archiv: Kompression %1, %n Eintrag, %2 unkomprimiert</numerusform>
            <numerusform>Archiv: Kompression %1, %n Einträge, %2 unkomprimiert</numerusform>
        </translation>
    </message>
    <message>
        <source>the top level</source>
        <translation>die oberste Ebene</translation>
    </message>
    <message numerus="yes">
        <source>Folder read: %1 (chosen among %n folders holding *.db files)</source>
        <translation>
            <numerusform>Gelesener Ordner: %1 (gewählt aus %n Ordner mit *.db-Dateien)</numerusform>
            <numerusform>Gelesener Ordner: %1 (gewählt aus %n Ordnern mit *.db-Dateien)</numerusform>
        </translation>
    </message>
    <message>
        <source>Folder read: %1</source>
        <translation>Gelesener Ordner: %1</translation>
    </message>
    <message>
        <source>Manifest: packed on %1 at %2 by promdir %3; liveness is as it was then</source>
        <translation>Manifest: gepackt auf %1 am %2 von promdir %3; die Lebendigkeit ist die von damals</translation>
    </message>
    <message>
        <source>Manifest: none (not made by promdir pack), so whether processes were alive is unknown</source>
        <translation>Manifest: keines (nicht mit promdir pack erstellt), daher ist unbekannt, ob Prozesse liefen</translation>
    </message>
    <message numerus="yes">
        <source>%n member(s) not read (links, devices, unsafe names)</source>
        <translation>
            <numerusform>%n Eintrag nicht gelesen (Links, Geräte, unsichere Namen)</numerusform>
            <numerusform>%n Einträge nicht gelesen (Links, Geräte, unsichere Namen)</numerusform>
        </translation>
    </message>
    <message>
        <source>Complete: read up to the end-of-archive marker</source>
        <translation>Vollständig: bis zur Archiv-Endmarke gelesen</translation>
    </message>
    <message>
        <source>Incomplete: the archive ends before its end-of-archive marker</source>
        <translation>Unvollständig: das Archiv endet vor seiner Archiv-Endmarke</translation>
    </message>
    <message>
        <source>Incomplete: %1</source>
        <translation>Unvollständig: %1</translation>
    </message>
    <message>
        <source>Matches the file name (type, mode and pid are in it), why it is stale and its problems</source>
        <translation>Durchsucht den Dateinamen (Typ, Modus und PID stehen darin), warum sie veraltet ist, und ihre Probleme</translation>
    </message>
</context>
<context>
    <name>promdir::GaugeModesModel</name>
    <message>
        <source>Mode %1 still counts dead pid(s) %2: mark_process_dead was never called for them, so their files were not removed.</source>
        <translation>Modus %1 zählt die toten PIDs %2 noch mit: mark_process_dead wurde für sie nie aufgerufen, daher wurden ihre Dateien nicht entfernt.</translation>
    </message>
    <message>
        <source>Mode all exports the series of dead pid(s) %1 forever: their files stay until the directory is wiped.</source>
        <translation>Modus all exportiert die Reihen der toten PIDs %1 für immer: Ihre Dateien bleiben, bis das Verzeichnis geleert wird.</translation>
    </message>
    <message>
        <source>Dead pid(s) %1 still take part in %2: their files stay until the directory is wiped.</source>
        <translation>Die toten PIDs %1 fließen weiter in %2 ein: Ihre Dateien bleiben, bis das Verzeichnis geleert wird.</translation>
    </message>
    <message>
        <source>Mode %1 exports nothing for a label set whose timestamps are all 0 (files written by clients before 0.18 have none).</source>
        <translation>Modus %1 exportiert nichts für Label-Kombinationen, deren Zeitstempel alle 0 sind (Dateien von Clients vor 0.18 haben keine).</translation>
    </message>
    <message numerus="yes">
        <source>Mode %1 folds %n per-pid value(s) into one series per label set.</source>
        <translation>
            <numerusform>Modus %1 fasst %n Wert je PID zu einer Reihe je Label-Kombination zusammen.</numerusform>
            <numerusform>Modus %1 fasst %n Werte je PID zu einer Reihe je Label-Kombination zusammen.</numerusform>
        </translation>
    </message>
    <message>
        <source>(no labels)</source>
        <translation>(keine Labels)</translation>
    </message>
    <message>
        <source>pid %1: %2 (%3)</source>
        <translation>PID %1: %2 (%3)</translation>
    </message>
    <message numerus="yes">
        <source>… %n more</source>
        <translation>
            <numerusform>… %n weiterer</numerusform>
            <numerusform>… %n weitere</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 exports nothing here</source>
        <translation>%1 exportiert hier nichts</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>%1 (actual)</source>
        <translation>%1 (tatsächlich)</translation>
    </message>
    <message>
        <source>The mode this family&apos;s files were written in</source>
        <translation>Der Modus, in dem die Dateien dieser Familie geschrieben wurden</translation>
    </message>
</context>
<context>
    <name>promdir::GaugeModesView</name>
    <message>
        <source>No gauge families in this directory.</source>
        <translation>Keine Gauge-Familien in diesem Verzeichnis.</translation>
    </message>
    <message>
        <source>Gauge &amp;family:</source>
        <translation>Gauge-&amp;Familie:</translation>
    </message>
</context>
<context>
    <name>promdir::HistogramModel</name>
    <message>
        <source>≤ %1</source>
        <translation>≤ %1</translation>
    </message>
    <message>
        <source>Upper bound (le)</source>
        <translation>Obergrenze (le)</translation>
    </message>
    <message>
        <source>In bucket</source>
        <translation>Im Bucket</translation>
    </message>
    <message>
        <source>Cumulative</source>
        <translation>Kumuliert</translation>
    </message>
</context>
<context>
    <name>promdir::HistogramView</name>
    <message>
        <source>n/a</source>
        <translation>k. A.</translation>
    </message>
    <message>
        <source>Upper bound (le)</source>
        <translation>Obergrenze (le)</translation>
    </message>
    <message>
        <source>Observations in bucket</source>
        <translation>Beobachtungen im Bucket</translation>
    </message>
    <message>
        <source>&amp;Histogram:</source>
        <translation>&amp;Histogramm:</translation>
    </message>
    <message>
        <source>&amp;Labels:</source>
        <translation>&amp;Labels:</translation>
    </message>
    <message>
        <source>(no labels)</source>
        <translation>(keine Labels)</translation>
    </message>
    <message>
        <source>No histogram selected.</source>
        <translation>Kein Histogramm ausgewählt.</translation>
    </message>
    <message>
        <source>p50 ≈ %1   p90 ≈ %2   p99 ≈ %3   (count %4, sum %5)</source>
        <translation>p50 ≈ %1   p90 ≈ %2   p99 ≈ %3   (Anzahl %4, Summe %5)</translation>
    </message>
    <message>
        <source>In bucket</source>
        <translation>Im Bucket</translation>
    </message>
</context>
<context>
    <name>promdir::MainWindow</name>
    <message>
        <source>Metrics</source>
        <translation>Metriken</translation>
    </message>
    <message>
        <source>Per-pid &amp;series</source>
        <translation>&amp;Reihen je PID</translation>
    </message>
    <message>
        <source>&amp;Gauge modes</source>
        <translation>&amp;Gauge-Modi</translation>
    </message>
    <message>
        <source>&amp;Histograms</source>
        <translation>&amp;Histogramme</translation>
    </message>
    <message>
        <source>&amp;Processes</source>
        <translation>&amp;Prozesse</translation>
    </message>
    <message>
        <source>&amp;Files</source>
        <translation>&amp;Dateien</translation>
    </message>
    <message>
        <source>&amp;Exposition</source>
        <translation>&amp;Exposition</translation>
    </message>
    <message>
        <source>Process %1 had no live gauge files.</source>
        <translation>Prozess %1 hatte keine Live-Gauge-Dateien.</translation>
    </message>
    <message>
        <source>Process %1 marked dead: removed %2.</source>
        <translation>Prozess %1 als tot markiert: %2 entfernt.</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>No directory open</source>
        <translation>Kein Verzeichnis geöffnet</translation>
    </message>
    <message>
        <source>Open a PROMETHEUS_MULTIPROC_DIR or a support archive, or drop one here.</source>
        <translation>Ein PROMETHEUS_MULTIPROC_DIR oder ein Support-Archiv öffnen oder hierher ziehen.</translation>
    </message>
    <message>
        <source>Open &amp;Directory…</source>
        <translation>&amp;Verzeichnis öffnen …</translation>
    </message>
    <message>
        <source>Open &amp;Archive…</source>
        <translation>&amp;Archiv öffnen …</translation>
    </message>
    <message>
        <source>Open a metrics directory and watch it</source>
        <translation>Ein Metrik-Verzeichnis öffnen und beobachten</translation>
    </message>
    <message>
        <source>Open a support tarball (.tar, .tar.gz, .tar.xz, .tar.zst, …)</source>
        <translation>Ein Support-Archiv öffnen (.tar, .tar.gz, .tar.xz, .tar.zst, …)</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>S&amp;chließen</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>Read the directory again now (F5)</source>
        <translation>Das Verzeichnis jetzt neu lesen (F5)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>Stop watching for changes; F5 still refreshes</source>
        <translation>Nicht mehr auf Änderungen achten; F5 aktualisiert weiterhin</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Suchen …</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About promdir inspector</source>
        <translation>Ü&amp;ber promdir Inspektor</translation>
    </message>
    <message>
        <source>About promdir inspector</source>
        <translation>Über promdir Inspektor</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;promdir inspector&lt;/b&gt; %1&lt;/p&gt;&lt;p&gt;Shows what every process of a Prometheus Python client multiprocess directory contributes, what each gauge mode would export, which processes are dead and which files are stale.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;promdir Inspektor&lt;/b&gt; %1&lt;/p&gt;&lt;p&gt;Zeigt, was jeder Prozess eines Multiprozess-Verzeichnisses des Prometheus-Python-Clients beiträgt, was jeder Gauge-Modus exportieren würde, welche Prozesse tot und welche Dateien veraltet sind.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message>
        <source>every </source>
        <translation>alle </translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Refresh interval</source>
        <translation>Aktualisierungsintervall</translation>
    </message>
    <message>
        <source>Refresh interval in seconds</source>
        <translation>Aktualisierungsintervall in Sekunden</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Loading cancelled</source>
        <translation>Laden abgebrochen</translation>
    </message>
    <message>
        <source>Open a directory or an archive to continue.</source>
        <translation>Ein Verzeichnis oder ein Archiv öffnen, um fortzufahren.</translation>
    </message>
    <message>
        <source>Open Metrics Directory</source>
        <translation>Metrik-Verzeichnis öffnen</translation>
    </message>
    <message>
        <source>Open Archive</source>
        <translation>Archiv öffnen</translation>
    </message>
    <message>
        <source>Archives (*.tar *.tar.gz *.tgz *.tar.bz2 *.tbz2 *.tar.xz *.txz *.tar.zst *.tzst);;All files (*)</source>
        <translation>Archive (*.tar *.tar.gz *.tgz *.tar.bz2 *.tbz2 *.tar.xz *.txz *.tar.zst *.tzst);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 existiert nicht.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 wird geladen …</translation>
    </message>
    <message>
        <source>Cannot open this source</source>
        <translation>Diese Quelle kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The directory is empty</source>
        <translation>Das Verzeichnis ist leer</translation>
    </message>
    <message>
        <source>No *.db files in %1 yet. promdir keeps watching: they appear here as soon as a process writes a metric.</source>
        <translation>Noch keine *.db-Dateien in %1. promdir beobachtet weiter: Sie erscheinen hier, sobald ein Prozess eine Metrik schreibt.</translation>
    </message>
    <message>
        <source>No *.db files in %1.</source>
        <translation>Keine *.db-Dateien in %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s) found while reading; everything readable is shown.</source>
        <translation>
            <numerusform>Beim Lesen wurde %n Problem gefunden; alles Lesbare wird angezeigt.</numerusform>
            <numerusform>Beim Lesen wurden %n Probleme gefunden; alles Lesbare wird angezeigt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Show in Files</source>
        <translation>In „Dateien“ zeigen</translation>
    </message>
    <message>
        <source>%1 — every pid&apos;s value over time</source>
        <translation>%1 — der Wert jeder PID im Zeitverlauf</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n Datei</numerusform>
            <numerusform>%n Dateien</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pid(s), %1 dead</source>
        <translation>
            <numerusform>%n PID, %1 tot</numerusform>
            <numerusform>%n PIDs, %1 tot</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pid(s)</source>
        <translation>
            <numerusform>%n PID</numerusform>
            <numerusform>%n PIDs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s)</source>
        <translation>
            <numerusform>%n Problem</numerusform>
            <numerusform>%n Probleme</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n stale file(s)</source>
        <translation>
            <numerusform>%n veraltete Datei</numerusform>
            <numerusform>%n veraltete Dateien</numerusform>
        </translation>
    </message>
    <message>
        <source>refresh %1 ms (%2 read, %3 unchanged)</source>
        <translation>Aktualisierung %1 ms (%2 gelesen, %3 unverändert)</translation>
    </message>
    <message>
        <source>Load %1 ms, merge %2 ms; history holds %3 points</source>
        <translation>Laden %1 ms, Zusammenführen %2 ms; der Verlauf hält %3 Punkte</translation>
    </message>
    <message>
        <source>Clear List</source>
        <translation>Liste leeren</translation>
    </message>
    <message>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>Keep &amp;history for:</source>
        <translation>&amp;Verlauf behalten für:</translation>
    </message>
    <message>
        <source>A file is &amp;stale when not written for:</source>
        <translation>Eine Datei ist &amp;veraltet, wenn nicht geschrieben seit:</translation>
    </message>
    <message>
        <source>&amp;Pid Namespace</source>
        <translation>&amp;PID-Namensraum</translation>
    </message>
    <message>
        <source>&amp;Automatic</source>
        <translation>&amp;Automatisch</translation>
    </message>
    <message>
        <source>&amp;Shared With the Writers</source>
        <translation>&amp;Mit den Schreibern geteilt</translation>
    </message>
    <message>
        <source>S&amp;eparate (Containers)</source>
        <translation>G&amp;etrennt (Container)</translation>
    </message>
    <message>
        <source>Trust process liveness until a file of a process that is gone changes (a worker in another container)</source>
        <translation>Der Lebendigkeit von Prozessen trauen, bis sich eine Datei eines beendeten Prozesses ändert (ein Worker in einem anderen Container)</translation>
    </message>
    <message>
        <source>Do not check liveness: read every file on every refresh</source>
        <translation>Lebendigkeit nicht prüfen: jede Datei bei jeder Aktualisierung lesen</translation>
    </message>
    <message>
        <source>Stop loading and go back to the source open before</source>
        <translation>Laden abbrechen und zur zuvor geöffneten Quelle zurückkehren</translation>
    </message>
    <message>
        <source>Loading cancelled; back to %1</source>
        <translation>Laden abgebrochen; zurück zu %1</translation>
    </message>
    <message>
        <source>Cannot open %1: %2. Back to %3.</source>
        <translation>%1 kann nicht geöffnet werden: %2. Zurück zu %3.</translation>
    </message>
    <message>
        <source>%1. Liveness is not checked (processes show as unknown) and every file is read on every refresh.</source>
        <translation>%1. Die Lebendigkeit wird nicht geprüft (Prozesse erscheinen als unbekannt) und jede Datei wird bei jeder Aktualisierung gelesen.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>A problem was found while reading; everything readable is shown. %1</source>
        <translation>Beim Lesen wurde ein Problem gefunden; alles Lesbare wird angezeigt. %1</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s) found while reading; everything readable is shown. First: %1</source>
        <translation>
            <numerusform>%n Problem beim Lesen gefunden; alles Lesbare wird angezeigt. Erstes: %1</numerusform>
            <numerusform>%n Probleme beim Lesen gefunden; alles Lesbare wird angezeigt. Erstes: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Find next / previous in the Exposition view</source>
        <translation>Nächsten / vorigen Treffer in der Exposition finden</translation>
    </message>
    <message>
        <source>Copy the selected rows of a table</source>
        <translation>Die ausgewählten Zeilen einer Tabelle kopieren</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>&amp;Compact Dead Processes…</source>
        <translation>Tote Prozesse &amp;kompaktieren…</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>&amp;Werkzeuge</translation>
    </message>
    <message>
        <source>Open a metrics directory to compact the files of its dead processes</source>
        <translation>Ein Metrikverzeichnis öffnen, um die Dateien seiner toten Prozesse zu kompaktieren</translation>
    </message>
    <message>
        <source>Only for a directory on this machine, not for an archive</source>
        <translation>Nur für ein Verzeichnis auf diesem Rechner, nicht für ein Archiv</translation>
    </message>
    <message>
        <source>The directory is not writable by you</source>
        <translation>Sie dürfen in dieses Verzeichnis nicht schreiben</translation>
    </message>
    <message>
        <source>Fold the files of dead processes into one file per kind, after a preview</source>
        <translation>Die Dateien toter Prozesse nach einer Vorschau in eine Datei pro Art falten</translation>
    </message>
</context>
<context>
    <name>promdir::MetricsModel</name>
    <message>
        <source>counter</source>
        <translation>Counter</translation>
    </message>
    <message>
        <source>gauge</source>
        <translation>Gauge</translation>
    </message>
    <message>
        <source>histogram</source>
        <translation>Histogramm</translation>
    </message>
    <message>
        <source>summary</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Merged value</source>
        <translation>Zusammengeführter Wert</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>Reihen</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Hilfe</translation>
    </message>
    <message>
        <source>Label %1</source>
        <translation>Label %1</translation>
    </message>
</context>
<context>
    <name>promdir::MetricsView</name>
    <message>
        <source>Filter by name or label…</source>
        <translation>Nach Name oder Label filtern …</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>Familie</translation>
    </message>
</context>
<context>
    <name>promdir::PidValuesModel</name>
    <message>
        <source>This file is stale</source>
        <translation>Diese Datei ist veraltet</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Timestamp</source>
        <translation>Zeitstempel</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
</context>
<context>
    <name>promdir::ProblemText</name>
    <message>
        <source>listing failed: %1</source>
        <translation>Auflisten fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>sub-folder ignored (the directory is not read recursively)</source>
        <translation>Unterordner ignoriert (das Verzeichnis wird nicht rekursiv gelesen)</translation>
    </message>
    <message>
        <source>not a metrics file (*.db); ignored</source>
        <translation>keine Metrikdatei (*.db); ignoriert</translation>
    </message>
    <message>
        <source>is a folder, not a metrics file</source>
        <translation>ist ein Ordner, keine Metrikdatei</translation>
    </message>
    <message>
        <source>not a metrics file name (%1); not merged</source>
        <translation>kein Metrikdateiname (%1); nicht zusammengeführt</translation>
    </message>
    <message>
        <source>not a .db file</source>
        <translation>keine .db-Datei</translation>
    </message>
    <message>
        <source>name does not start with counter_, gauge_, histogram_ or summary_</source>
        <translation>Name beginnt nicht mit counter_, gauge_, histogram_ oder summary_</translation>
    </message>
    <message>
        <source>expected gauge_&lt;mode&gt;_&lt;pid&gt;.db</source>
        <translation>erwartet: gauge_&lt;Modus&gt;_&lt;PID&gt;.db</translation>
    </message>
    <message>
        <source>expected %1_&lt;pid&gt;.db</source>
        <translation>erwartet: %1_&lt;PID&gt;.db</translation>
    </message>
    <message>
        <source>unknown gauge mode &apos;%1&apos;</source>
        <translation>unbekannter Gauge-Modus „%1“</translation>
    </message>
    <message>
        <source>empty process id</source>
        <translation>leere Prozess-ID</translation>
    </message>
    <message>
        <source>is a folder, not a file</source>
        <translation>ist ein Ordner, keine Datei</translation>
    </message>
    <message>
        <source>not a regular file (%1); not opened</source>
        <translation>keine reguläre Datei (%1); nicht geöffnet</translation>
    </message>
    <message>
        <source>a FIFO</source>
        <translation>eine FIFO</translation>
    </message>
    <message>
        <source>a socket</source>
        <translation>ein Socket</translation>
    </message>
    <message>
        <source>a character device</source>
        <translation>ein zeichenorientiertes Gerät</translation>
    </message>
    <message>
        <source>a block device</source>
        <translation>ein blockorientiertes Gerät</translation>
    </message>
    <message>
        <source>of an unknown type</source>
        <translation>unbekannten Typs</translation>
    </message>
    <message>
        <source>file vanished before it could be read</source>
        <translation>Datei verschwand, bevor sie gelesen werden konnte</translation>
    </message>
    <message>
        <source>cannot open: %1</source>
        <translation>kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <source>read failed: %1</source>
        <translation>Lesen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>file kept changing while being read; values may be from different moments</source>
        <translation>Datei änderte sich beim Lesen ständig; die Werte können aus verschiedenen Momenten stammen</translation>
    </message>
    <message>
        <source>file is empty (0 bytes)</source>
        <translation>Datei ist leer (0 Bytes)</translation>
    </message>
    <message>
        <source>file is %1 bytes, shorter than the 8-byte header</source>
        <translation>Datei hat %1 Bytes, kürzer als der 8-Byte-Kopf</translation>
    </message>
    <message>
        <source>used is %1, smaller than the 8-byte header</source>
        <translation>used ist %1, kleiner als der 8-Byte-Kopf</translation>
    </message>
    <message>
        <source>used is %1, not a multiple of 8</source>
        <translation>used ist %1, kein Vielfaches von 8</translation>
    </message>
    <message>
        <source>used is %1 but the file has only %2 bytes</source>
        <translation>used ist %1, aber die Datei hat nur %2 Bytes</translation>
    </message>
    <message>
        <source>entry header runs past %1</source>
        <translation>Eintragskopf reicht über %1 hinaus</translation>
    </message>
    <message>
        <source>negative key length %1</source>
        <translation>negative Schlüssellänge %1</translation>
    </message>
    <message>
        <source>key length %1 runs past %2 (read beyond file size; the file is corrupted or truncated)</source>
        <translation>Schlüssellänge %1 reicht über %2 hinaus (Lesen über das Dateiende; die Datei ist beschädigt oder abgeschnitten)</translation>
    </message>
    <message>
        <source>value of the entry runs past %1</source>
        <translation>Wert des Eintrags reicht über %1 hinaus</translation>
    </message>
    <message>
        <source>the end of the data</source>
        <translation>das Ende der Daten</translation>
    </message>
    <message>
        <source>used (%1)</source>
        <translation>used (%1)</translation>
    </message>
    <message>
        <source>keys of different format generations in one file</source>
        <translation>Schlüssel verschiedener Formatgenerationen in einer Datei</translation>
    </message>
    <message>
        <source>%1 more problems in this file not listed (from this offset on)</source>
        <translation>%1 weitere Probleme in dieser Datei nicht aufgeführt (ab diesem Offset)</translation>
    </message>
    <message>
        <source>%1 (entry at offset %2)</source>
        <translation>%1 (Eintrag bei Offset %2)</translation>
    </message>
    <message>
        <source>key is not valid UTF-8</source>
        <translation>Schlüssel ist kein gültiges UTF-8</translation>
    </message>
    <message>
        <source>key is not JSON: %1</source>
        <translation>Schlüssel ist kein JSON: %1</translation>
    </message>
    <message>
        <source>key is not a JSON array</source>
        <translation>Schlüssel ist kein JSON-Array</translation>
    </message>
    <message>
        <source>key array has %1 elements, expected 3 or 4</source>
        <translation>Schlüssel-Array hat %1 Elemente, erwartet 3 oder 4</translation>
    </message>
    <message>
        <source>metric and sample names in the key are not strings</source>
        <translation>Metrik- und Sample-Name im Schlüssel sind keine Zeichenketten</translation>
    </message>
    <message>
        <source>label values of the key are not an array</source>
        <translation>Label-Werte des Schlüssels sind kein Array</translation>
    </message>
    <message>
        <source>key has %1 label names but %2 values</source>
        <translation>Schlüssel hat %1 Label-Namen, aber %2 Werte</translation>
    </message>
    <message>
        <source>label names and values in the key must be strings</source>
        <translation>Label-Namen und -Werte im Schlüssel müssen Zeichenketten sein</translation>
    </message>
    <message>
        <source>labels in the key are not a JSON object</source>
        <translation>Labels im Schlüssel sind kein JSON-Objekt</translation>
    </message>
    <message>
        <source>value of label &apos;%1&apos; in the key is not a string</source>
        <translation>Wert des Labels „%1“ im Schlüssel ist keine Zeichenkette</translation>
    </message>
    <message>
        <source>help text in the key is not a string</source>
        <translation>Hilfetext im Schlüssel ist keine Zeichenkette</translation>
    </message>
    <message>
        <source>metric name in the key is empty; no exposition can carry it</source>
        <translation>Metrikname im Schlüssel ist leer; keine Exposition kann ihn tragen</translation>
    </message>
    <message>
        <source>sample name in the key is empty; no exposition can carry it</source>
        <translation>Sample-Name im Schlüssel ist leer; keine Exposition kann ihn tragen</translation>
    </message>
    <message>
        <source>extra data after the JSON value</source>
        <translation>zusätzliche Daten nach dem JSON-Wert</translation>
    </message>
    <message>
        <source>JSON nested too deeply</source>
        <translation>JSON zu tief verschachtelt</translation>
    </message>
    <message>
        <source>unexpected end of JSON text</source>
        <translation>unerwartetes Ende des JSON-Texts</translation>
    </message>
    <message>
        <source>expected a JSON value</source>
        <translation>JSON-Wert erwartet</translation>
    </message>
    <message>
        <source>bad number</source>
        <translation>ungültige Zahl</translation>
    </message>
    <message>
        <source>bad number: no digits after &apos;.&apos;</source>
        <translation>ungültige Zahl: keine Ziffern nach „.“</translation>
    </message>
    <message>
        <source>bad number: no digits in exponent</source>
        <translation>ungültige Zahl: keine Ziffern im Exponenten</translation>
    </message>
    <message>
        <source>truncated \u escape</source>
        <translation>abgeschnittene \u-Escape-Sequenz</translation>
    </message>
    <message>
        <source>bad \u escape</source>
        <translation>ungültige \u-Escape-Sequenz</translation>
    </message>
    <message>
        <source>unterminated string</source>
        <translation>nicht abgeschlossene Zeichenkette</translation>
    </message>
    <message>
        <source>control character in string</source>
        <translation>Steuerzeichen in Zeichenkette</translation>
    </message>
    <message>
        <source>bad escape in string</source>
        <translation>ungültige Escape-Sequenz in Zeichenkette</translation>
    </message>
    <message>
        <source>invalid UTF-8 in string</source>
        <translation>ungültiges UTF-8 in Zeichenkette</translation>
    </message>
    <message>
        <source>unterminated array</source>
        <translation>nicht abgeschlossenes Array</translation>
    </message>
    <message>
        <source>expected &apos;,&apos; or &apos;]&apos;</source>
        <translation>„,“ oder „]“ erwartet</translation>
    </message>
    <message>
        <source>expected a string as object key</source>
        <translation>Zeichenkette als Objektschlüssel erwartet</translation>
    </message>
    <message>
        <source>expected &apos;:&apos;</source>
        <translation>„:“ erwartet</translation>
    </message>
    <message>
        <source>unterminated object</source>
        <translation>nicht abgeschlossenes Objekt</translation>
    </message>
    <message>
        <source>expected &apos;,&apos; or &apos;}&apos;</source>
        <translation>„,“ oder „}“ erwartet</translation>
    </message>
    <message>
        <source>is a %1, so its metrics were not read</source>
        <translation>ist %1, daher wurden seine Metriken nicht gelesen</translation>
    </message>
    <message>
        <source>hard link to &apos;%1&apos;; links are not followed</source>
        <translation>ein harter Link auf „%1“; Links wird nicht gefolgt</translation>
    </message>
    <message>
        <source>symbolic link to &apos;%1&apos;; links are not followed</source>
        <translation>ein symbolischer Link auf „%1“; Links wird nicht gefolgt</translation>
    </message>
    <message>
        <source>character device; not read</source>
        <translation>ein zeichenorientiertes Gerät; nicht gelesen</translation>
    </message>
    <message>
        <source>block device; not read</source>
        <translation>ein blockorientiertes Gerät; nicht gelesen</translation>
    </message>
    <message>
        <source>FIFO; not read</source>
        <translation>eine FIFO; nicht gelesen</translation>
    </message>
    <message>
        <source>socket; not read</source>
        <translation>ein Socket; nicht gelesen</translation>
    </message>
    <message>
        <source>special member; not read</source>
        <translation>ein besonderer Eintrag; nicht gelesen</translation>
    </message>
    <message>
        <source>member is %1 bytes, more than the limit of %2 for one file; not read (raise it with --max-member-size)</source>
        <translation>Eintrag hat %1 Bytes, mehr als die Grenze von %2 für eine Datei; nicht gelesen (erhöhen mit --max-member-size)</translation>
    </message>
    <message>
        <source>and %1 more files that are not metrics files (*.db); ignored</source>
        <translation>und %1 weitere Dateien, die keine Metrikdateien (*.db) sind; ignoriert</translation>
    </message>
    <message>
        <source>manifest not usable: %1; liveness unknown</source>
        <translation>Manifest nicht verwendbar: %1; Lebendigkeit unbekannt</translation>
    </message>
    <message>
        <source>%1; stopped at byte %2 of %3 of the file (byte %4 of the tar data), after %5 members; the files read before are kept</source>
        <translation>%1; angehalten bei Byte %2 von %3 der Datei (Byte %4 der tar-Daten), nach %5 Einträgen; die zuvor gelesenen Dateien bleiben erhalten</translation>
    </message>
    <message>
        <source>%1; in or right after member &apos;%2&apos; (%3 bytes)</source>
        <translation>%1; in oder direkt nach Eintrag „%2“ (%3 Bytes)</translation>
    </message>
    <message>
        <source>the archive ends inside %1 (%2)</source>
        <translation>das Archiv endet innerhalb %1 (%2)</translation>
    </message>
    <message>
        <source>damaged tar data in %1 (%2)</source>
        <translation>beschädigte tar-Daten innerhalb %1 (%2)</translation>
    </message>
    <message>
        <source>its first header</source>
        <translation>seines ersten Kopfs</translation>
    </message>
    <message>
        <source>a member&apos;s data</source>
        <translation>der Daten eines Eintrags</translation>
    </message>
    <message>
        <source>a member header</source>
        <translation>eines Eintragskopfs</translation>
    </message>
    <message>
        <source>the archive is empty</source>
        <translation>das Archiv ist leer</translation>
    </message>
    <message>
        <source>not a tar archive, or its first header is damaged (%1)</source>
        <translation>kein tar-Archiv, oder sein erster Kopf ist beschädigt (%1)</translation>
    </message>
    <message>
        <source>the archive ends without its end-of-archive marker (cut at a member boundary?)</source>
        <translation>das Archiv endet ohne seine Endmarkierung (an einer Eintragsgrenze abgeschnitten?)</translation>
    </message>
    <message>
        <source>%1 after the end-of-archive marker, so the members read may hold damaged values</source>
        <translation>%1 nach der Endmarkierung des Archivs, daher können die gelesenen Einträge beschädigte Werte enthalten</translation>
    </message>
    <message>
        <source>reading stopped: %1</source>
        <translation>Lesen angehalten: %1</translation>
    </message>
    <message>
        <source>%1 data ends early (the file is truncated)</source>
        <translation>%1-Daten enden vorzeitig (die Datei ist abgeschnitten)</translation>
    </message>
    <message>
        <source>%1 data is corrupt (checksum mismatch)</source>
        <translation>%1-Daten sind beschädigt (Prüfsumme stimmt nicht)</translation>
    </message>
    <message>
        <source>%1 data has a bad header</source>
        <translation>%1-Daten haben einen ungültigen Kopf</translation>
    </message>
    <message>
        <source>%1 data is corrupt (%2 error %3)</source>
        <translation>%1-Daten sind beschädigt (%2-Fehler %3)</translation>
    </message>
    <message>
        <source>%1 data could not be read (%2)</source>
        <translation>%1-Daten konnten nicht gelesen werden (%2)</translation>
    </message>
    <message>
        <source>the archive could not be decompressed</source>
        <translation>das Archiv konnte nicht entpackt werden</translation>
    </message>
    <message>
        <source>%1: offset %2: %3</source>
        <translation>%1: Offset %2: %3</translation>
    </message>
</context>
<context>
    <name>promdir::ProcessModel</name>
    <message>
        <source>alive</source>
        <translation>lebt</translation>
    </message>
    <message>
        <source>dead (pid reused)</source>
        <translation>tot (PID wiederverwendet)</translation>
    </message>
    <message>
        <source>dead</source>
        <translation>tot</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>A running process has this pid, but it started after these files were last written: the process that wrote them is gone.</source>
        <translation>Ein laufender Prozess hat diese PID, wurde aber nach dem letzten Schreiben dieser Dateien gestartet: Der Prozess, der sie schrieb, existiert nicht mehr.</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>Last write</source>
        <translation>Zuletzt geschrieben</translation>
    </message>
    <message>
        <source>Stale files</source>
        <translation>Veraltete Dateien</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>Reihen</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>This archive has no manifest (it was not made by promdir pack), so whether the process was running is unknown.</source>
        <translation>Dieses Archiv hat kein Manifest (es wurde nicht mit promdir pack erstellt), daher ist unbekannt, ob der Prozess lief.</translation>
    </message>
    <message>
        <source>It has no live gauge files while other processes do; mark_process_dead removes them, so it was probably dead.</source>
        <translation>Er hat keine Live-Gauge-Dateien, andere Prozesse schon; mark_process_dead entfernt sie, also war er wahrscheinlich tot.</translation>
    </message>
    <message>
        <source>unknown (probably dead)</source>
        <translation>unbekannt (wahrscheinlich tot)</translation>
    </message>
    <message>
        <source>compacted</source>
        <translation>kompaktiert</translation>
    </message>
    <message>
        <source>The compacted contributions of dead processes (Tools &gt; Compact Dead Processes, or promdir compact): no process runs for them, and they are never stale.</source>
        <translation>Die kompaktierten Beiträge toter Prozesse (Werkzeuge &gt; Tote Prozesse kompaktieren, oder promdir compact): kein Prozess läuft für sie, und sie veralten nie.</translation>
    </message>
</context>
<context>
    <name>promdir::ProcessView</name>
    <message>
        <source>&amp;Mark Dead…</source>
        <translation>Als &amp;tot markieren …</translation>
    </message>
    <message>
        <source>Delete this pid&apos;s live gauge files, as the Python client&apos;s mark_process_dead does</source>
        <translation>Die Live-Gauge-Dateien dieser PID löschen, wie es mark_process_dead des Python-Clients tut</translation>
    </message>
    <message>
        <source>Mark Process Dead</source>
        <translation>Prozess als tot markieren</translation>
    </message>
    <message>
        <source>Dead processes keep contributing until their files are removed; stale files still change the output.</source>
        <translation>Tote Prozesse tragen weiter bei, bis ihre Dateien entfernt werden; veraltete Dateien verändern weiterhin die Ausgabe.</translation>
    </message>
    <message>
        <source>Only for a directory on this machine</source>
        <translation>Nur für ein Verzeichnis auf diesem Rechner</translation>
    </message>
    <message>
        <source>This process is running</source>
        <translation>Dieser Prozess läuft</translation>
    </message>
    <message>
        <source>Mark dead works on a directory on this machine, not on an archive.</source>
        <translation>„Als tot markieren“ wirkt auf ein Verzeichnis auf diesem Rechner, nicht auf ein Archiv.</translation>
    </message>
    <message>
        <source>Process %1 is running; it is not marked dead.</source>
        <translation>Prozess %1 läuft; er wird nicht als tot markiert.</translation>
    </message>
    <message>
        <source>%1 is not a directory.</source>
        <translation>%1 ist kein Verzeichnis.</translation>
    </message>
    <message>
        <source>“%1” is not a process identifier the Python client could have used.</source>
        <translation>„%1“ ist keine Prozesskennung, die der Python-Client verwendet haben könnte.</translation>
    </message>
    <message>
        <source>Could not delete %1.</source>
        <translation>%1 konnte nicht gelöscht werden.</translation>
    </message>
    <message>
        <source>This process has no live gauge files: there is nothing to remove</source>
        <translation>Dieser Prozess hat keine Live-Gauge-Dateien: es gibt nichts zu entfernen</translation>
    </message>
    <message>
        <source>Process %1 has no live gauge files; there is nothing to remove.</source>
        <translation>Prozess %1 hat keine Live-Gauge-Dateien; es gibt nichts zu entfernen.</translation>
    </message>
    <message>
        <source>Mark process %1 as dead?

This deletes its live gauge files, as the Python client&apos;s mark_process_dead(%1) does:
%2

Its other files stay and keep contributing.</source>
        <translation>Prozess %1 als tot markieren?

Das löscht seine Live-Gauge-Dateien, wie es mark_process_dead(%1) des Python-Clients tut:
%2

Seine anderen Dateien bleiben und tragen weiter bei.</translation>
    </message>
    <message>
        <source>Filter by pid, state or command…</source>
        <translation>Nach PID, Zustand oder Befehl filtern …</translation>
    </message>
</context>
<context>
    <name>promdir::SeriesChartView</name>
    <message>
        <source>Select a series in the Metrics list to see every pid&apos;s value over time.</source>
        <translation>Eine Reihe in der Metrikliste auswählen, um den Wert jeder PID im Zeitverlauf zu sehen.</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>merged</source>
        <translation>zusammengeführt</translation>
    </message>
    <message>
        <source>pid %1</source>
        <translation>PID %1</translation>
    </message>
    <message>
        <source>pid %1 (dead)</source>
        <translation>PID %1 (tot)</translation>
    </message>
    <message>
        <source>Untick a line to hide it</source>
        <translation>Haken entfernen, um eine Linie auszublenden</translation>
    </message>
    <message>
        <source>Reset Zoom</source>
        <translation>Zoom zurücksetzen</translation>
    </message>
    <message>
        <source>Zoom with the wheel or by dragging a rectangle, pan with the arrow keys or the middle button; this shows everything again and follows new values</source>
        <translation>Mit dem Mausrad oder durch Aufziehen eines Rechtecks zoomen, mit den Pfeiltasten oder der mittleren Maustaste verschieben; dies zeigt wieder alles und folgt neuen Werten</translation>
    </message>
    <message>
        <source>Save as PNG…</source>
        <translation>Als PNG speichern …</translation>
    </message>
    <message>
        <source>Save the chart as a PNG image</source>
        <translation>Das Diagramm als PNG-Bild speichern</translation>
    </message>
    <message>
        <source>Save Chart</source>
        <translation>Diagramm speichern</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Could not save %1.</source>
        <translation>%1 konnte nicht gespeichert werden.</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
    <message>
        <source>Merged</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <source>Rate per second over 30 s</source>
        <translation>Rate pro Sekunde über 30 s</translation>
    </message>
    <message>
        <source>Rate per second over 1 min</source>
        <translation>Rate pro Sekunde über 1 min</translation>
    </message>
    <message>
        <source>Rate per second over 5 min</source>
        <translation>Rate pro Sekunde über 5 min</translation>
    </message>
    <message>
        <source>For counters, and the counts, sums and buckets of histograms and summaries: the increase per second over a window, as PromQL rate() computes it (a drop is a counter that restarted from 0)</source>
        <translation>Für Zähler sowie Anzahl, Summe und Buckets von Histogrammen und Summaries: der Anstieg pro Sekunde über ein Zeitfenster, wie PromQL rate() ihn berechnet (ein Rückgang ist ein Zähler, der wieder bei 0 begann)</translation>
    </message>
    <message>
        <source>%1 per second</source>
        <translation>%1 pro Sekunde</translation>
    </message>
    <message>
        <source>%1
%2
%3</source>
        <translation>%1
%2
%3</translation>
    </message>
    <message>
        <source>/s</source>
        <translation>/s</translation>
    </message>
    <message>
        <source>Top %1 pids</source>
        <translation>Top %1 PIDs</translation>
    </message>
    <message>
        <source>All pids</source>
        <translation>Alle PIDs</translation>
    </message>
    <message numerus="yes">
        <source>others (%n pid(s))</source>
        <translation>
            <numerusform>übrige (%n PID)</numerusform>
            <numerusform>übrige (%n PIDs)</numerusform>
        </translation>
    </message>
    <message>
        <source>The running pids, then those with the highest values (or rates), get a line each; the others are summed in one line, in the small chart above</source>
        <translation>Die laufenden PIDs, dann die mit den höchsten Werten (oder Raten), erhalten je eine Linie; die übrigen werden zu einer Linie summiert, im kleinen Diagramm darüber</translation>
    </message>
    <message numerus="yes">
        <source>Lines for the %n pid(s) with the highest rates, running ones first; the other %1 are summed in the “others” line above. The table lists every pid.</source>
        <translation>
            <numerusform>Eine Linie für die PID mit der höchsten Rate, laufende zuerst; die übrigen %1 sind in der Linie „übrige“ darüber summiert. Die Tabelle listet jede PID.</numerusform>
            <numerusform>Linien für die %n PIDs mit den höchsten Raten, laufende zuerst; die übrigen %1 sind in der Linie „übrige“ darüber summiert. Die Tabelle listet jede PID.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Lines for the %n pid(s) with the highest values, running ones first; the other %1 are summed in the “others” line above. The table lists every pid.</source>
        <translation>
            <numerusform>Eine Linie für die PID mit dem höchsten Wert, laufende zuerst; die übrigen %1 sind in der Linie „übrige“ darüber summiert. Die Tabelle listet jede PID.</numerusform>
            <numerusform>Linien für die %n PIDs mit den höchsten Werten, laufende zuerst; die übrigen %1 sind in der Linie „übrige“ darüber summiert. Die Tabelle listet jede PID.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>promdir::TableActions</name>
    <message>
        <source>&amp;Copy Rows</source>
        <translation>Zeilen &amp;kopieren</translation>
    </message>
    <message>
        <source>&amp;Export as CSV…</source>
        <translation>Als CSV &amp;exportieren …</translation>
    </message>
    <message>
        <source>Export Table</source>
        <translation>Tabelle exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV-Dateien (*.csv);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>%1 konnte nicht gespeichert werden: %2</translation>
    </message>
</context>
</TS>
