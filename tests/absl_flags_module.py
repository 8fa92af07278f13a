"""Flags defined in another module, as a real absl program has them."""

from absl import flags

flags.DEFINE_string("interop_data_dir", "/data/x", "Where the data lives.")
flags.DEFINE_integer("interop_batch_size", 128, "Batch size.")
