// Placeholder; the registry lands in the next commit.
namespace flotilla::apimachinery {}
