#include "policies/image_reference.h"

#include <gtest/gtest.h>

namespace flotilla::policies {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

TEST(ImageReference, Parse) {
  struct Row {
    const char* name;
    std::string in, host, repo, tag, digest;
  };
  const Row rows[] = {
      {"bare", "nginx", "", "nginx", "", ""},
      {"tag", "nginx:1.25", "", "nginx", "1.25", ""},
      {"no_docker_io_normalisation", "library/nginx", "", "library/nginx", "", ""},
      {"host_with_dot", "registry.k8s.io/pause:3.9", "registry.k8s.io", "pause", "3.9", ""},
      {"host_with_port", "myreg:5000/team/app:v1", "myreg:5000", "team/app", "v1", ""},
      {"localhost", "localhost/app", "localhost", "app", "", ""},
      {"digest", "nginx@" + kDigest, "", "nginx", "", kDigest},
      {"tag_and_digest", "a.io/nginx:1@" + kDigest, "a.io", "nginx", "1", kDigest},
  };
  for (const auto& r : rows) {
    auto ref = parseImageReference(r.in);
    ASSERT_TRUE(ref.isOk()) << r.name << ": " << ref.status().toString();
    EXPECT_EQ(ref->hostname, r.host) << r.name;
    EXPECT_EQ(ref->repository, r.repo) << r.name;
    EXPECT_EQ(ref->tag, r.tag) << r.name;
    EXPECT_EQ(ref->digest, r.digest) << r.name;
  }
  for (const char* bad : {"", "Nginx", "nginx:", "nginx@sha256:abc", "a..b/c", ":tag", "a//b"}) {
    EXPECT_FALSE(parseImageReference(bad).isOk()) << bad;
  }
}

TEST(ImageReference, Edits) {
  struct Row {
    const char* name;
    std::string image, component, op, value, want;
  };
  const Row rows[] = {
      {"registry_add_appends", "registry.example/app:1", "Registry", "add", ".test",
       "registry.example.test/app:1"},
      {"registry_replace", "registry.example/app:1", "Registry", "replace", "mirror.io",
       "mirror.io/app:1"},
      {"registry_replace_on_bare", "app:1", "Registry", "replace", "mirror.io", "mirror.io/app:1"},
      {"registry_remove", "registry.example/app:1", "Registry", "remove", "", "app:1"},
      {"repository_add", "r.io/app:1", "Repository", "add", "-debug", "r.io/app-debug:1"},
      {"repository_replace", "r.io/app:1", "Repository", "replace", "x/y", "r.io/x/y:1"},
      {"repository_remove_quirk", "r.io/app:1", "Repository", "remove", "", "r.io/:1"},
      {"tag_add", "app:1.0", "Tag", "add", "-alpine", "app:1.0-alpine"},
      {"tag_replace", "app:1.0", "Tag", "replace", "2.0", "app:2.0"},
      {"tag_replace_with_digest", "app:1.0", "Tag", "replace", kDigest, "app@" + kDigest},
      {"tag_replace_invalid_noop", "app:1.0", "Tag", "replace", "not valid!", "app:1.0"},
      {"tag_remove", "app:1.0", "Tag", "remove", "", "app"},
      {"tag_remove_clears_digest_when_no_tag", "app@" + kDigest, "Tag", "remove", "", "app"},
      {"tag_and_digest_keeps_tag", "app:1@" + kDigest, "Tag", "replace", "2", "app:2"},
      {"tag_add_to_digest_becomes_invalid_noop", "app@" + kDigest, "Tag", "add", "x",
       "app@" + kDigest},
  };
  for (const auto& r : rows) {
    auto ref = parseImageReference(r.image);
    ASSERT_TRUE(ref.isOk()) << r.name;
    ASSERT_TRUE(applyImageEdit(*ref, r.component, r.op, r.value).isOk()) << r.name;
    EXPECT_EQ(ref->toString(), r.want) << r.name;
  }
  ImageReference ref;
  EXPECT_FALSE(applyImageEdit(ref, "Registry", "upsert", "x").isOk());
  EXPECT_FALSE(applyImageEdit(ref, "Host", "add", "x").isOk());
}

}  // namespace
}  // namespace flotilla::policies
