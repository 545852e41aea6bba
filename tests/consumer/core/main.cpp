// Renders a directory with the installed library: prints the exposition.
#include <promdir/engine/mergeengine.h>
#include <promdir/render/render.h>

#include <iostream>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    promdir::MergeEngine engine(argv[1]);
    const auto result = engine.refresh();
    if (!result->load.ok)
        return 2;
    std::cout << promdir::render(result->families);
    return result->load.allProblems().empty() ? 0 : 1;
}
