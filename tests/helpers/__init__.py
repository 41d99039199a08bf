"""Helpers shared by the tests: harnesses, fakes, sample inputs."""
