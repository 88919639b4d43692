{
  "targets": [
    {
      "target_name": "nativeleak",
      "sources": ["nativeleak.c"]
    }
  ]
}
