#pragma once
// Archives of metrics directories (support tarballs), read in memory:
// .tar, .tar.gz/.tgz, .tar.bz2, .tar.xz, .tar.zst, recognised by their
// first bytes. Nothing is written to disk while reading. Members are never
// followed (links) nor resolved against the file system; their names are
// only shown, escaped.

#include "promdir/format/result.h"
#include "promdir/read/directory.h"

namespace promdir {

enum class Compression { None, Gzip, Bzip2, Xz, Zstd };

std::string_view toString(Compression c); // "none", "gzip", ...

// What a file is, an answer rather than an error: not being an archive
// is what most files are.
struct [[nodiscard]] ArchiveDetection
{
    bool isArchive = false;
    Compression compression = Compression::None;
    std::string error; // not an archive: why (or an unsupported format)
};

// From the first bytes of a file (at least 512 for an uncompressed tar).
ArchiveDetection detectArchive(std::string_view head);
ArchiveDetection detectArchiveFile(const std::filesystem::path &path);

// The member name made safe to print: control bytes, DEL, backslash and
// invalid UTF-8 become \xNN escapes.
std::string escapeMemberName(std::string_view raw);

// Loads the metrics folder of an archive: the only folder holding *.db
// files, or options.subdir. ok=false when the archive cannot be used
// (unreadable, not an archive, several candidate folders and no subdir,
// a limit exceeded). A truncated or corrupt archive keeps every file read
// before the break and adds a Truncated problem saying where it broke.
// options.limits count a sparse member by its expanded size, holes
// included.
[[nodiscard]] LoadResult loadArchive(const std::filesystem::path &archive, const LoadOptions &options = {});

// ---- Writing (promdir pack) ----

// Which compression a name asks for: .tar.gz/.tgz, .tar.bz2/.tbz2,
// .tar.xz/.txz, .tar.zst/.tzst, .tar. Nullopt for anything else.
std::optional<Compression> compressionForName(std::string_view fileName);

struct PackOptions
{
    Compression compression = Compression::Gzip;
    std::string folder;   // folder in the archive; default: the directory's name
    bool overwrite = false;
};

enum class PackErrorCode {
    NotADirectory,
    OutputInsideDirectory, // refused: promdir never adds files to a metrics directory
    OutputExists,          // and PackOptions::overwrite is not set
    CannotListDirectory,
    CannotCreateOutput,    // no new file could be made beside the output
    WriteFailed,           // writing or compressing failed; nothing is left behind
    CannotPlaceOutput,     // the finished archive could not be given its name
};
std::string_view nameOf(PackErrorCode code) noexcept;
inline constexpr ErrorCategory kPackErrors{"pack", &detail::enumeratorName<PackErrorCode, nameOf>};
constexpr const ErrorCategory &errorCategory(PackErrorCode) noexcept
{
    return kPackErrors;
}

// What was packed.
struct PackSummary
{
    std::size_t files = 0;
    std::uint64_t bytes = 0;     // of the .db files
    Manifest manifest;
    std::vector<std::string> notes; // files not packed and why, in name order
};

// Writes the *.db files of `dir` and a promdir-manifest.json (host, time,
// version, liveness of every pid) into `output`. Only regular files are
// packed, opened without following links or blocking on FIFOs; links,
// FIFOs, devices and folders become notes. The archive is written to a new
// private file beside `output` and renamed when complete; an existing
// `output` (a link too, dangling or not) is replaced only with `overwrite`,
// and then the link itself, never its target. Refuses to write inside `dir`
// itself (promdir never changes a metrics directory unless asked to).
Result<PackSummary> packDirectory(const std::filesystem::path &dir, const std::filesystem::path &output,
                                  const PackOptions &options = {});

} // namespace promdir
